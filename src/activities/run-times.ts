// What finished tasks teach: how long a task of one route, model, resolution and length took from its
// submit to its end, as the provider's own timestamps say. Kept per worker process (a restart relearns in a
// few tasks). validateJob predicts from it once it has a few samples, so a job's first poll lands near the
// task's end instead of at a fraction of a static guess: fewer queries, less lag between end and detection.

/** Samples kept per key: recent enough to follow the provider's load. */
const KEEP = 20;
/** Samples before a prediction is trusted over the static timing model. */
const MIN_SAMPLES = 3;

export class RunTimeModel {
  private readonly samples = new Map<string, number[]>();

  static key(route: string, model: string, resolution?: string, outputSeconds?: number): string {
    return [route, model, resolution ?? '-', outputSeconds ?? '-'].join('/');
  }

  /** A finished task's seconds from the provider's submit to its end. */
  observe(key: string, seconds: number): void {
    if (!(seconds > 0 && seconds < 24 * 3600)) return;
    const list = this.samples.get(key) ?? [];
    list.push(seconds);
    if (list.length > KEEP) list.shift();
    this.samples.set(key, list);
  }

  /** The median of the recent samples, once there are enough. */
  predict(key: string): number | undefined {
    const list = this.samples.get(key);
    if (!list || list.length < MIN_SAMPLES) return undefined;
    const sorted = [...list].sort((a, b) => a - b);
    return sorted[Math.floor(sorted.length / 2)];
  }
}

/** Seconds between two provider timestamps (ISO strings), when both are readable. */
export function secondsBetween(from?: string, to?: string): number | undefined {
  if (!from || !to) return undefined;
  const seconds = (Date.parse(to) - Date.parse(from)) / 1000;
  return Number.isFinite(seconds) ? seconds : undefined;
}
