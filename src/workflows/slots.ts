// The account slot workflow, one per key (`wanflow-slots/<route>/<region>/<account>/<model>`): a thin shell
// around the pure state machine in coordination/slots.ts, which decides every grant. The shell turns
// signals, timers and failed grant deliveries into events, and carries out the effects: a grant is a
// signal to the requester (sent without waiting for its round trip, so grants free at once go out
// together), a holder check is one activity that reads whether the holders' workflows still run (no
// workflow task on each job). Single jobs, pipeline stages and campaign rows alike wait in one queue.
// The workflow ends when nobody holds or waits, and starts again with the next request.
import {
  allHandlersFinished,
  condition,
  continueAsNew,
  getExternalWorkflowHandle,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { WanflowActivities } from '../activities';
import {
  applySlotEvent,
  decideSlots,
  slotsIdle,
  type SlotEffect,
  type SlotEvent,
  type SlotState,
} from '../coordination/slots';
import {
  createSettledSignal,
  acquireSlotSignal,
  foreignTasksSignal,
  releaseSlotSignal,
  reportSlots,
  slotGrantedSignal,
  slotsQuery,
  slotThrottledSignal,
} from './slot-signals';

export type { SlotHolder, SlotRequest, SlotState } from '../coordination/slots';
export * from './slot-signals';

// History stays small: this many grants, and the slot workflow starts afresh with its state.
const GRANTS_PER_RUN = 500;

// A holder check reads the holders' workflows: quick, and harmless to skip (the next one comes a period
// later), so a few tries and then an empty answer rather than a stuck slot workflow.
const { closedWorkflows } = proxyActivities<WanflowActivities>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: '1s', maximumAttempts: 3 },
});

export async function wanAccountSlots(start: SlotState): Promise<void> {
  let state: SlotState = { ...start, checking: false };
  let changed = false;
  const on = (event: SlotEvent): void => {
    state = applySlotEvent(state, event, Date.now());
    changed = true;
  };
  setHandler(slotsQuery, () => state);
  setHandler(acquireSlotSignal, ({ checkEveryMs, ...request }) =>
    on({ kind: 'acquire', request, checkEveryMs }),
  );
  setHandler(releaseSlotSignal, ({ token }) => on({ kind: 'release', token }));
  setHandler(createSettledSignal, ({ token }) => on({ kind: 'settled', token }));
  setHandler(slotThrottledSignal, ({ token }) => on({ kind: 'throttled', token }));
  setHandler(foreignTasksSignal, ({ foreign }) => on({ kind: 'foreign', foreign }));

  const inFlight = new Set<Promise<void>>();
  const carryOut = (effect: SlotEffect): void => {
    const done: Promise<void> = (effect.kind === 'grant' ? grant(effect) : check(effect))
      .then((event) => event && on(event))
      .finally(() => {
        inFlight.delete(done);
        // A grant delivered changes no state, but an idle workflow waits for it before it may end.
        changed = true;
      });
    inFlight.add(done);
  };
  for (let grants = 0; ;) {
    const decision = decideSlots(state, Date.now());
    state = decision.state;
    for (const effect of decision.effects) carryOut(effect);
    grants += decision.effects.filter((e) => e.kind === 'grant').length;
    reportSlots(state);
    if (slotsIdle(state) && !inFlight.size) return;
    if (grants >= GRANTS_PER_RUN || workflowInfo().continueAsNewSuggested) {
      // A grant or check still on its way changes the state: the next run must start from its outcome.
      while (inFlight.size) await Promise.all(inFlight);
      await condition(allHandlersFinished);
      return continueAsNew<typeof wanAccountSlots>(state);
    }
    changed = false;
    const wait = decision.wakeAt === undefined ? undefined : Math.max(1, decision.wakeAt - Date.now());
    await (wait === undefined ? condition(() => changed) : condition(() => changed, wait));
  }
}

/** A grant delivered; one that cannot be (the requester is gone) gives its slot back. */
function grant(effect: Extract<SlotEffect, { kind: 'grant' }>): Promise<SlotEvent | undefined> {
  return getExternalWorkflowHandle(effect.requester)
    .signal(slotGrantedSignal, { token: effect.token, ...(effect.lock ? { lock: true } : {}) })
    .then(
      () => undefined,
      () => ({ kind: 'grantFailed' as const, token: effect.token }),
    );
}

/** Which holders' workflows have closed without releasing; none when the check itself fails. */
async function check(effect: Extract<SlotEffect, { kind: 'check' }>): Promise<SlotEvent> {
  const closed = await closedWorkflows({ workflowIds: effect.holders.map((h) => h.requester) }).catch(
    () => [] as string[],
  );
  const gone = new Set(closed);
  return { kind: 'checked', closed: effect.holders.filter((h) => gone.has(h.requester)).map((h) => h.token) };
}
