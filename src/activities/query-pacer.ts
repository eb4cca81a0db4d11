/**
 * A worker process's task queries, spaced at least 1/perSecond apart. The Temporal server already holds
 * the polls' dispatch to the account's budget across workers, but a worker that falls behind (a busy
 * CPU, a long garbage collection) receives a run of dispatched polls and would send them at once: the
 * provider counts queries when they arrive, so a budget kept at dispatch is not kept at the provider.
 * Every poll and every page of a sweep passes here, so both share the budget as the provider sees it.
 */
export type QueryPacer = () => Promise<void>;

export function queryPacer(
  perSecond: number,
  now: () => number = Date.now,
  sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
): QueryPacer {
  // Rounded up: a budget is never passed by a fraction of a millisecond.
  const gapMs = Math.ceil(1000 / perSecond);
  let nextAt = 0;
  return () => {
    const at = Math.max(now(), nextAt);
    nextAt = at + gapMs;
    const waitMs = at - now();
    return waitMs > 0 ? sleep(waitMs) : Promise.resolve();
  };
}
