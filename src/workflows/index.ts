// The workflows the worker registers.
export { wanJob } from './job';
export { wanPipeline } from './pipeline';
export { wanTaskClaim, wanCreateLock } from './claims';
export { wanAccountSlots } from './slots';
export { wanCampaign } from './campaign';
export { wanTaskWatcher } from './task-watcher';
export { wanSpendLedger } from './spend-ledger';
