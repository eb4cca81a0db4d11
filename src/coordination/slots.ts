// Account slots as a pure state machine: Model Studio runs only K tasks of a model at once per account, so
// a job holds a slot of its (route, region, account, model) from just before its create until its task
// has ended. This module decides who holds what; workflows/slots.ts is the shell that turns signals,
// timers and signal failures into events and carries out the effects. No Temporal here: the property
// tests (test/coordination) drive it through generated schedules with invariants checked at every step.
//
// Rules:
// - Grant order: the lowest priority number first; within it, the group (campaign, pipeline) holding the
//   fewest slots; then first come.
// - A grant is made only while the holders are fewer than the effective limit (capacity, less while the
//   provider throttles — AIMD — less the tasks another client runs on the account), within the account's
//   submit rate (grants in the last second), and only for a request whose create lock no holder holds.
// - A holder whose workflow closed without releasing (terminated) is found by a check every
//   `checkEveryMs`, busy or not, and its slot (and create lock) taken back.
// - Every decision is re-taken from the state at the moment it is made: nothing is carried across a wait.

export interface SlotRequest {
  /** The workflow to signal when its slot is granted. */
  requester: string;
  /** Unique per request, so a grant or release is never mistaken for another's. */
  token: string;
  /** Slots of this key: the latest request's figure applies (configuration may change). */
  capacity: number;
  /** Grants (so creates) per second for this key; absent or 0: not limited. */
  grantsPerSecond?: number;
  /** Lower goes first: interactive jobs 0, batches higher. */
  priority: number;
  /** Requests of one campaign or pipeline share fairly with other groups. */
  group: string;
  /** The create lock (its workflow ID) the requester's create needs: granted with the slot. */
  lock?: string;
}

export interface SlotHolder extends SlotRequest {
  grantedAt: number;
  /** Holds its request's create lock until its create has settled. */
  creating?: boolean;
}

export interface SlotState {
  capacity: number;
  waiting: SlotRequest[];
  holders: SlotHolder[];
  /** Slots taken back from holders that closed without releasing. */
  reclaimed: number;
  /** How often holders are checked for having closed. */
  checkEveryMs: number;
  grantsPerSecond?: number;
  /** When the last grants were made (the last second's), for the rate. */
  recentGrants?: number[];
  /**
   * Below `capacity` after the provider throttled a holder's create (the configured figure was more than
   * the account gets now): a tenth less on a throttle, grown back by one slot per limit's worth of releases.
   */
  limit?: number;
  throttledAt?: number;
  /** Throttles reported by holders so far. */
  throttles?: number;
  /**
   * Tasks of this model in progress that no holder here made (another client on the same key), as the
   * account's task watcher last counted them, and until when that count is trusted.
   */
  foreign?: number;
  foreignUntil?: number;
  /** Tokens released lately: an acquire that arrives after its own release is not queued. */
  released?: string[];
  /** When holders were last checked for having closed; a check is out while `checking`. */
  checkedAt?: number;
  checking?: boolean;
}

export type SlotEvent =
  | { kind: 'acquire'; request: SlotRequest; checkEveryMs: number }
  | { kind: 'release'; token: string }
  /** The holder's create has settled (made, adopted, or given up): its create lock goes to the next. */
  | { kind: 'settled'; token: string }
  /** A holder's create was throttled (429). */
  | { kind: 'throttled'; token: string }
  /** This model's tasks in progress that nobody here claimed, from the account's task watcher. */
  | { kind: 'foreign'; foreign: number }
  /** A grant could not be delivered: the requester is gone. */
  | { kind: 'grantFailed'; token: string }
  /** A check found these holders' workflows closed (empty when the check itself failed). */
  | { kind: 'checked'; closed: string[] };

export type SlotEffect =
  | { kind: 'grant'; requester: string; token: string; lock: boolean }
  /** Find which of these holders' workflows have closed; answer with a `checked` event. */
  | { kind: 'check'; holders: { requester: string; token: string }[] };

export interface SlotDecision {
  state: SlotState;
  effects: SlotEffect[];
  /** When to decide again although nothing happens (the rate window opens, a check falls due). */
  wakeAt?: number;
}

/** A count the watcher has not renewed for this long (it stopped, or lost the list) is forgotten. */
export const FOREIGN_TRUSTED_MS = 120_000;
/** Released tokens remembered against a late acquire. */
const RELEASED_KEPT = 256;
/** A second: the window of the submit rate, and the least time between two decreases of the limit. */
const SECOND = 1000;

/** The state after an event. Never throws: an event about a token it does not know changes nothing. */
export function applySlotEvent(state: SlotState, event: SlotEvent, now: number): SlotState {
  switch (event.kind) {
    case 'acquire': {
      const { request: r } = event;
      const s = {
        ...state,
        capacity: r.capacity,
        grantsPerSecond: r.grantsPerSecond,
        checkEveryMs: event.checkEveryMs,
      };
      if (s.limit !== undefined && s.limit >= s.capacity) delete s.limit;
      if (state.released?.includes(r.token) || known(state, r.token)) return s;
      return { ...s, waiting: [...state.waiting, r] };
    }
    case 'release': {
      const s = { ...state };
      if (s.limit !== undefined && state.holders.some((h) => h.token === event.token)) {
        // Additive increase: one slot more per limit's worth of tasks that ended.
        s.limit += 1 / s.limit;
        if (s.limit >= s.capacity) delete s.limit;
      }
      s.released = [...(state.released ?? []), event.token].slice(-RELEASED_KEPT);
      s.waiting = state.waiting.filter((w) => w.token !== event.token);
      s.holders = state.holders.filter((h) => h.token !== event.token);
      return s;
    }
    case 'settled': {
      if (!state.holders.some((h) => h.token === event.token && h.creating)) return state;
      return {
        ...state,
        holders: state.holders.map((h) => (h.token === event.token ? { ...h, creating: false } : h)),
      };
    }
    case 'throttled': {
      if (!state.holders.some((h) => h.token === event.token)) return state;
      const s = { ...state, throttles: (state.throttles ?? 0) + 1 };
      // 429s from one moment are one sign of congestion: at most one decrease a second.
      if (now - (state.throttledAt ?? -Infinity) < SECOND) return s;
      // A tenth fewer, not half: a 429 at K + 1 means the account gets about what was granted, and halving
      // cost a quarter of a 1,000-row campaign's makespan. An account that truly gets far less is found as
      // fast: decreases come a second apart, and 0.9^7 ≈ ½ (Netflix concurrency-limits' AIMD ratio).
      return { ...s, throttledAt: now, limit: Math.max(1, Math.floor(grantedLimit(state) * 0.9)) };
    }
    case 'foreign':
      return { ...state, foreign: Math.max(0, event.foreign), foreignUntil: now + FOREIGN_TRUSTED_MS };
    case 'grantFailed':
      return { ...state, holders: state.holders.filter((h) => h.token !== event.token) };
    case 'checked': {
      const closed = new Set(event.closed);
      const holders = state.holders.filter((h) => !closed.has(h.token));
      return {
        ...state,
        holders,
        checking: false,
        reclaimed: state.reclaimed + state.holders.length - holders.length,
      };
    }
  }
}

/**
 * The grants (and holder check) due now, taken together, and when to decide again. Call it after any
 * event and whenever `wakeAt` passes.
 */
export function decideSlots(state: SlotState, now: number): SlotDecision {
  let s: SlotState = { ...state, recentGrants: (state.recentGrants ?? []).filter((t) => t > now - SECOND) };
  const effects: SlotEffect[] = [];
  let wakeAt: number | undefined;
  while (s.holders.length < effectiveLimit(s, now)) {
    const next = nextGrantable(s);
    if (!next) break;
    const rate = s.grantsPerSecond ?? 0;
    if (rate > 0 && s.recentGrants!.length >= rate) {
      // The submit rate holds before the provider has to refuse: decide again when the window opens.
      wakeAt = s.recentGrants![0]! + SECOND;
      break;
    }
    const holder: SlotHolder = { ...next, grantedAt: now, ...(next.lock ? { creating: true } : {}) };
    s = {
      ...s,
      waiting: s.waiting.filter((w) => w.token !== next.token),
      holders: [...s.holders, holder],
      recentGrants: [...s.recentGrants!, now],
    };
    effects.push({ kind: 'grant', requester: next.requester, token: next.token, lock: !!next.lock });
  }
  if (!s.holders.length) delete s.checkedAt;
  else if (!s.checking) {
    const dueAt = (s.checkedAt ?? now) + s.checkEveryMs;
    if (s.checkedAt === undefined) s.checkedAt = now;
    if (now >= dueAt) {
      effects.push({
        kind: 'check',
        holders: s.holders.map((h) => ({ requester: h.requester, token: h.token })),
      });
      s = { ...s, checking: true, checkedAt: now };
    } else wakeAt = Math.min(wakeAt ?? Infinity, dueAt);
  }
  // A foreign count that lapses frees slots: decide again then.
  if (s.waiting.length && (s.foreignUntil ?? 0) > now && (s.foreign ?? 0) > 0)
    wakeAt = Math.min(wakeAt ?? Infinity, s.foreignUntil!);
  return { state: s, effects, ...(wakeAt !== undefined ? { wakeAt } : {}) };
}

/** Nobody holds or waits (and no check is out): the slot workflow may end. */
export function slotsIdle(state: SlotState): boolean {
  return !state.waiting.length && !state.holders.length && !state.checking;
}

/**
 * The slots that may be held now: the configured capacity, or less while the provider throttles, less
 * the tasks someone else runs on the account.
 */
export function effectiveLimit(state: SlotState, now: number): number {
  const foreign = (state.foreignUntil ?? 0) > now ? (state.foreign ?? 0) : 0;
  return Math.max(0, grantedLimit(state) - foreign);
}

/** The configured capacity, or less while the provider throttles (AIMD). */
export function grantedLimit(state: SlotState): number {
  return Math.min(state.capacity, Math.floor(state.limit ?? state.capacity));
}

function known(state: SlotState, token: string): boolean {
  return state.waiting.some((w) => w.token === token) || state.holders.some((h) => h.token === token);
}

/** A request whose create lock a holder has not settled yet waits, whatever its place. */
function lockFree(state: SlotState, w: SlotRequest): boolean {
  return !w.lock || !state.holders.some((h) => h.creating && h.lock === w.lock);
}

/**
 * The lowest priority; among those, the group holding fewest slots; then the one waiting longest — among
 * the requests whose create lock is free. Undefined when none may go.
 */
export function nextGrantable(state: SlotState): SlotRequest | undefined {
  const held = (group: string) => state.holders.filter((h) => h.group === group).length;
  let best: SlotRequest | undefined;
  for (const w of state.waiting) {
    if (!lockFree(state, w)) continue;
    if (
      !best ||
      w.priority < best.priority ||
      (w.priority === best.priority && held(w.group) < held(best.group))
    )
      best = w;
  }
  return best;
}
