// The account slot workflow as it ran before `slots-pure-core` (slots.ts): kept, unchanged, so the slot
// workflows that started before it replay and run on to their next continue-as-new, which starts them on
// the pure core. Not to be changed; removed once no supported history needs it (docs: workflow evolution).
import {
  allHandlersFinished,
  condition,
  continueAsNew,
  getExternalWorkflowHandle,
  patched,
  sleep,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { SlotRequest, SlotState } from '../coordination/slots';
import {
  acquireSlotSignal,
  createSettledSignal,
  foreignTasksSignal,
  releaseSlotSignal,
  reportSlots,
  slotGrantedSignal,
  slotPingSignal,
  slotsQuery,
  slotThrottledSignal,
} from './slot-signals';

// A count the watcher has not renewed for this long (it stopped, or lost the list) is forgotten.
const FOREIGN_TRUSTED_MS = 120_000;

// History stays small: this many grants, and the slot workflow starts afresh with its state.
const GRANTS_PER_RUN = 500;

export async function legacyAccountSlots(start: SlotState): Promise<void> {
  const state: SlotState = { ...start, waiting: [...start.waiting], holders: [...start.holders] };
  const released = new Set<string>();
  let changed = false;
  setHandler(slotsQuery, () => state);
  setHandler(acquireSlotSignal, ({ checkEveryMs, ...r }) => {
    state.capacity = r.capacity;
    state.grantsPerSecond = r.grantsPerSecond;
    state.checkEveryMs = checkEveryMs;
    if (released.has(r.token) || known(state, r.token)) return;
    state.waiting.push(r);
    changed = true;
  });
  setHandler(slotThrottledSignal, ({ token }) => {
    if (!state.holders.some((h) => h.token === token)) return;
    state.throttles = (state.throttles ?? 0) + 1;
    // 429s from one moment are one sign of congestion: at most one decrease a second.
    if (Date.now() - (state.throttledAt ?? 0) < 1000) return;
    state.throttledAt = Date.now();
    // A tenth fewer, not half: a 429 at K + 1 means the account gets about what was granted, and halving
    // cost a quarter of a 1,000-row campaign's makespan (50 → 25 slots, grown back one per 25 task ends).
    // The account that truly gets far less is found as fast: decreases come a second apart, and 0.9^7 ≈ ½.
    // (Netflix concurrency-limits' AIMD backs off by the same ratio.) Halving before the patch replays.
    const ratio = patched('slots-decrease-a-tenth') ? 0.9 : 0.5;
    state.limit = Math.max(1, Math.floor(grantedLimit(state) * ratio));
    changed = true;
  });
  setHandler(foreignTasksSignal, ({ foreign }) => {
    state.foreignUntil = Date.now() + FOREIGN_TRUSTED_MS;
    if (foreign === (state.foreign ?? 0)) return;
    state.foreign = foreign;
    changed = true;
  });
  setHandler(createSettledSignal, ({ token }) => {
    const holder = state.holders.find((h) => h.token === token);
    if (!holder?.creating) return;
    holder.creating = false;
    changed = true;
  });
  setHandler(releaseSlotSignal, ({ token }) => {
    if (state.limit !== undefined && state.holders.some((h) => h.token === token)) {
      // Additive increase: one slot more per limit's worth of tasks that ended.
      state.limit += 1 / state.limit;
      if (state.limit >= state.capacity) state.limit = undefined;
    }
    released.add(token);
    state.waiting = state.waiting.filter((w) => w.token !== token);
    state.holders = state.holders.filter((h) => h.token !== token);
    changed = true;
  });
  // Grants go out together (awaiting each signal's round trip, two workflow tasks, before the next made a
  // ramp of 50 grants take 13 s), with the create locks requests name. Runs before replay as they were.
  const atOnce = patched('slots-grant-at-once');
  const inFlight = new Set<Promise<void>>();
  for (let grants = 0; state.waiting.length || state.holders.length;) {
    while (
      state.holders.length < effectiveLimit(state) &&
      (atOnce ? grantable(state) : state.waiting.length)
    ) {
      // A token bucket of one second: the account's submit rate holds before the provider has to refuse.
      await underRate(state);
      if (atOnce) grantAtOnce(state, pickNext(state, true), inFlight, () => (changed = true));
      else await grantOneByOne(state, pickNext(state), released);
      grants += 1;
    }
    reportSlots(state);
    changed = false;
    const woke = await condition(() => changed, state.checkEveryMs);
    if (!woke) await reclaimClosedHolders(state, atOnce);
    if (grants >= GRANTS_PER_RUN || workflowInfo().continueAsNewSuggested) {
      // A grant still on its way may yet fail (its requester gone): the next run must not count it.
      await Promise.all(inFlight);
      await condition(allHandlersFinished);
      return continueAsNew<typeof legacyAccountSlots>(state);
    }
  }
  await Promise.all(inFlight);
  reportSlots(state);
}

/**
 * The slot is held from the grant; a requester that turns out to be gone gives it back. A release that
 * comes while the grant is on its way removes the holder as any release does.
 */
function grantAtOnce(
  state: SlotState,
  next: SlotRequest,
  inFlight: Set<Promise<void>>,
  onGone: () => void,
): void {
  state.holders.push({ ...next, grantedAt: Date.now(), ...(next.lock ? { creating: true } : {}) });
  state.recentGrants = [...(state.recentGrants ?? []), Date.now()];
  const sent: Promise<void> = getExternalWorkflowHandle(next.requester)
    .signal(slotGrantedSignal, { token: next.token, ...(next.lock ? { lock: true } : {}) })
    .then(
      () => undefined,
      () => {
        state.holders = state.holders.filter((h) => h.token !== next.token);
        onGone();
      },
    )
    .finally(() => inFlight.delete(sent));
  inFlight.add(sent);
}

/** Before `slots-grant-at-once`: the slot is held once the grant has arrived. */
async function grantOneByOne(state: SlotState, next: SlotRequest, released: Set<string>): Promise<void> {
  const granted = await getExternalWorkflowHandle(next.requester)
    .signal(slotGrantedSignal, { token: next.token })
    .then(
      () => true,
      () => false, // the requester is gone: nothing to hold
    );
  // A release may have come while the grant was on its way.
  if (granted && !released.has(next.token)) {
    state.holders.push({ ...next, grantedAt: Date.now() });
    state.recentGrants = [...(state.recentGrants ?? []), Date.now()];
  }
}

/** Waits until one more grant fits the last second's budget. */
async function underRate(state: SlotState): Promise<void> {
  const rate = state.grantsPerSecond ?? 0;
  if (!rate) return;
  for (;;) {
    const now = Date.now();
    state.recentGrants = (state.recentGrants ?? []).filter((t) => t > now - 1000);
    if (state.recentGrants.length < rate) return;
    await sleep(state.recentGrants[0]! + 1000 - now);
  }
}

/**
 * The slots that may be held now: the configured capacity, or less while the provider throttles, less
 * the tasks someone else runs on the account.
 */
function effectiveLimit(state: SlotState): number {
  const foreign = (state.foreignUntil ?? 0) > Date.now() ? (state.foreign ?? 0) : 0;
  return Math.max(0, grantedLimit(state) - foreign);
}

/** The configured capacity, or less while the provider throttles (AIMD). */
function grantedLimit(state: SlotState): number {
  return Math.min(state.capacity, Math.floor(state.limit ?? state.capacity));
}

function known(state: SlotState, token: string): boolean {
  return state.waiting.some((w) => w.token === token) || state.holders.some((h) => h.token === token);
}

/** A request whose create lock a holder has not settled yet waits, whatever its place. */
function lockFree(state: SlotState, w: SlotRequest): boolean {
  return !w.lock || !state.holders.some((h) => h.creating && h.lock === w.lock);
}

function grantable(state: SlotState): boolean {
  return state.waiting.some((w) => lockFree(state, w));
}

/**
 * The lowest priority; among those, the group holding fewest slots; then the one waiting longest. With
 * `locks`, only among requests whose create lock is free (call it when `grantable`).
 */
function pickNext(state: SlotState, locks = false): SlotRequest {
  const held = (group: string) => state.holders.filter((h) => h.group === group).length;
  let best = -1;
  state.waiting.forEach((w, i) => {
    if (locks && !lockFree(state, w)) return;
    const b = state.waiting[best];
    if (!b || w.priority < b.priority || (w.priority === b.priority && held(w.group) < held(b.group)))
      best = i;
  });
  return state.waiting.splice(best, 1)[0]!;
}

/**
 * Holders whose workflow has closed cannot be signaled: their slots come back. `byToken`: the holders
 * found closed are removed by token — grants and releases may change the list while the pings are out,
 * and removing by position then took back a live holder's slot (over-granting). Before
 * `slots-grant-at-once`, by position.
 */
async function reclaimClosedHolders(state: SlotState, byToken: boolean): Promise<void> {
  const pinged = [...state.holders];
  const alive = await Promise.all(
    pinged.map((h) =>
      getExternalWorkflowHandle(h.requester)
        .signal(slotPingSignal)
        .then(
          () => true,
          () => false,
        ),
    ),
  );
  const before = state.holders.length;
  if (byToken) {
    const closed = new Set(pinged.filter((_, i) => !alive[i]).map((h) => h.token));
    state.holders = state.holders.filter((h) => !closed.has(h.token));
  } else state.holders = state.holders.filter((_, i) => alive[i]);
  state.reclaimed += before - state.holders.length;
}
