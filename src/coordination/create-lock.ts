// The create lock as a pure state machine: creates whose tasks would look alike (same model and prompt —
// all a task echoes) take turns, so a lost answer can be reconciled without guessing between siblings.
// workflows/claims.ts is its shell where no account slot carries the lock (slots.ts does, where limits are
// set). First come, first served; a holder that neither releases nor finishes within its lease (it was
// terminated) loses the lock to the next; a requester that cannot be told (gone) is skipped.

export interface LockRequest {
  /** The workflow ID to signal when the lock is granted. */
  requester: string;
  /** Unique per request, so a grant or release is never mistaken for another's. */
  token: string;
  /** Granted longer than this without a release, the lock moves on (the holder was terminated). */
  leaseMs: number;
}

export interface LockState {
  waiting: LockRequest[];
  holder?: LockRequest & { grantedAt: number };
  /** Tokens released lately: an acquire that arrives after its own release is not queued. */
  released?: string[];
}

export type LockEvent =
  | { kind: 'acquire'; request: LockRequest }
  | { kind: 'release'; token: string }
  /** The grant could not be delivered: the requester is gone. */
  | { kind: 'grantFailed'; token: string };

export interface LockDecision {
  state: LockState;
  grant?: { requester: string; token: string };
  /** When the holder's lease runs out: decide again then. */
  wakeAt?: number;
}

const RELEASED_KEPT = 256;

export function applyLockEvent(state: LockState, event: LockEvent): LockState {
  switch (event.kind) {
    case 'acquire': {
      const r = event.request;
      const known = state.holder?.token === r.token || state.waiting.some((w) => w.token === r.token);
      if (known || state.released?.includes(r.token)) return state;
      return { ...state, waiting: [...state.waiting, r] };
    }
    case 'release':
    case 'grantFailed': {
      const s: LockState = {
        ...state,
        waiting: state.waiting.filter((w) => w.token !== event.token),
        released: [...(state.released ?? []), event.token].slice(-RELEASED_KEPT),
      };
      if (state.holder?.token === event.token) delete s.holder;
      return s;
    }
  }
}

/** The grant due now (the lock is free, or its holder's lease ran out), and when to look again. */
export function decideLock(state: LockState, now: number): LockDecision {
  let s = state;
  if (s.holder && now >= s.holder.grantedAt + s.holder.leaseMs) {
    s = { ...s, released: [...(s.released ?? []), s.holder.token].slice(-RELEASED_KEPT) };
    delete s.holder;
  }
  if (!s.holder && s.waiting.length) {
    const [next, ...rest] = s.waiting;
    s = { ...s, waiting: rest, holder: { ...next!, grantedAt: now } };
    return {
      state: s,
      grant: { requester: next!.requester, token: next!.token },
      wakeAt: now + next!.leaseMs,
    };
  }
  return { state: s, ...(s.holder ? { wakeAt: s.holder.grantedAt + s.holder.leaseMs } : {}) };
}

export function lockIdle(state: LockState): boolean {
  return !state.holder && !state.waiting.length;
}
