// Waiting for the Temporal server at start. A worker (or `wanflow up` against a cluster) started while its
// server restarts — a deploy, a chaos run, machines booting in any order — waits for it, as a running
// worker rides out a restart, instead of exiting. It retries with backoff (1 s doubling to 30 s), says
// so once a minute, and gives up only after a configurable while (WANFLOW_CONNECT_GIVE_UP, default an hour).
import { setTimeout as sleep } from 'node:timers/promises';

export interface Patience {
  /** What is being waited for, for the log: `Temporal at 127.0.0.1:7233`. */
  what: string;
  giveUpMs: number;
  log: (line: string) => void;
  /** Between tries: this (1 s), doubling, at most `maxDelayMs` (30 s). */
  firstDelayMs?: number;
  maxDelayMs?: number;
  /** How often a line says it is still waiting. */
  reportEveryMs?: number;
}

/** `connect()`'s first success; after `giveUpMs` of failures, the last failure. */
export async function patiently<T>(connect: () => Promise<T>, p: Patience): Promise<T> {
  const started = Date.now();
  const reportEveryMs = p.reportEveryMs ?? 60_000;
  let delayMs = p.firstDelayMs ?? 1000;
  let reported = started;
  for (let attempt = 1; ; attempt++) {
    try {
      const connected = await connect();
      if (attempt > 1) p.log(`connected to ${p.what} after ${Math.round((Date.now() - started) / 1000)} s`);
      return connected;
    } catch (err) {
      const waited = Date.now() - started;
      if (waited + delayMs > p.giveUpMs) throw err;
      if (attempt === 1 || Date.now() - reported >= reportEveryMs) {
        reported = Date.now();
        p.log(
          `waiting for ${p.what} (${Math.round(waited / 1000)} s so far, gives up after ${Math.round(p.giveUpMs / 1000)} s): ${(err as Error).message.split('\n')[0]}`,
        );
      }
      await sleep(delayMs);
      delayMs = Math.min(delayMs * 2, p.maxDelayMs ?? 30_000);
    }
  }
}
