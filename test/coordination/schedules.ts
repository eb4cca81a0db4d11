// How many generated schedules a simulation runs, from which seed, and the line that reports both.
// `npm test` runs SIM_RUNS_DEFAULT per machine; `npm run soak` sets WANFLOW_SIM_RUNS (a million or more);
// WANFLOW_SIM_SEED replays a reported run exactly (fast-check shrinks a failure to its smallest schedule
// and prints its path: that schedule becomes a named regression test).
import fc from 'fast-check';

const SIM_RUNS_DEFAULT = 10_000;

// Schedules as long as their bounds allow: fast-check's default size keeps arrays to about ten entries,
// too short for a waiter to leave inside a rate window after a throttle and a terminated holder.
fc.configureGlobal({ baseSize: 'medium' });

export function simulationParameters(machine: string, sample?: number): fc.Parameters<unknown> {
  const numRuns = sample ?? Number(process.env.WANFLOW_SIM_RUNS ?? SIM_RUNS_DEFAULT);
  const seed = process.env.WANFLOW_SIM_SEED
    ? Number(process.env.WANFLOW_SIM_SEED)
    : Math.floor(Math.random() * 2 ** 31);
  console.log(`simulation ${machine}: ${numRuns} schedules, seed ${seed} (WANFLOW_SIM_SEED=${seed} replays)`);
  return { numRuns, seed, endOnFailure: false };
}

/** An invariant broken: the message names it and the step. */
export function check(ok: boolean, invariant: string, at: () => unknown): void {
  if (!ok) throw new Error(`invariant broken: ${invariant}\n${JSON.stringify(at(), null, 1)}`);
}

/** A simulation's test timeout: two minutes, or more for a soak's count (about 10 s per 10,000 schedules). */
export function simulationTimeout(): number {
  return Math.max(120_000, Number(process.env.WANFLOW_SIM_RUNS ?? 0) * 2);
}
