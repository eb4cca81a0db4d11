// What the simulated Model Studio API needs of the simulator it lives in: its region and keys, the task
// table, uploads, counters and faults, and how it admits a task.
import type { ServerResponse } from 'node:http';
import type { RegionId } from '../wan/regions';
import type { WanRequest } from '../wan/validation';
import type { CountedFault, Faults } from './options';
import type { SimulatorStats } from './stats';
import type { SimTask, TaskTable } from './task-table';
import type { OutputShape } from './output-shape';
import type { UploadStore } from './uploads';
import type { AccountGuard } from './account-limits';

/** What the Model Studio routes need of the simulator they live in. */
export interface ModelStudioHost {
  region: RegionId;
  /** Accepted keys and the region each is bound to. */
  keys: Record<string, string>;
  publicUrl(): string;
  tasks: TaskTable;
  uploads: UploadStore;
  accounts: AccountGuard;
  stats(): SimulatorStats;
  faults(): Faults;
  takeFault(name: CountedFault): boolean;
  refuse(res: ServerResponse, status: number, code: string, message: string): void;
  admit(request: WanRequest, key: string, shape: OutputShape, immediate?: boolean): SimTask;
  resultUrls(task: SimTask, now: number): string[];
}
