// Tasks a poll just saw end, with their signed result URLs, held in this worker's memory for the download
// that follows (usually on the same worker, a moment later): it then needs no second query. Bounded and
// short-lived: an entry is taken once, and one older than a minute is read again from the provider.
import type { TaskSnapshot } from '../wan/tasks';

const MAX_ENTRIES = 2_000;
const FRESH_MS = 60_000;

export class FinishedTasks {
  private readonly entries = new Map<string, { task: TaskSnapshot; at: number }>();

  set(taskId: string, entry: { task: TaskSnapshot; at: number }): void {
    this.entries.delete(taskId);
    this.entries.set(taskId, entry);
    // Maps keep insertion order: the first key is the oldest.
    if (this.entries.size > MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
  }

  /** The task, once, if seen ending less than a minute ago. */
  take(taskId: string, now: number): TaskSnapshot | undefined {
    const entry = this.entries.get(taskId);
    this.entries.delete(taskId);
    return entry && now - entry.at < FRESH_MS ? entry.task : undefined;
  }
}
