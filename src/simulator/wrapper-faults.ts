// The create faults every simulated wrapper route suffers too, each worded in the route's own error shape:
// a 5xx or a 429 before any task is made (safe to resend), and a task made whose answer never arrives
// (the connection drops: ambiguous, and these routes keep no task list to look it up in).
import type { ServerResponse } from 'node:http';
import type { CountedFault } from './options';

export interface FaultHost {
  takeFault(name: CountedFault): boolean;
}

/** Answers the create with a fault before any task is made; true when it did. */
export function refusedBeforeCreate(
  host: FaultHost,
  refuse: (status: number, message: string, headers?: Record<string, string>) => void,
): boolean {
  if (host.takeFault('serverErrors')) {
    refuse(500, 'internal server error');
    return true;
  }
  if (host.takeFault('createRateLimited')) {
    refuse(429, 'rate limit exceeded', { 'Retry-After': '1' });
    return true;
  }
  return false;
}

/** Drops the connection after the task was made, so its create is never answered; true when it did. */
export function droppedAfterCreate(host: FaultHost, res: ServerResponse): boolean {
  if (!host.takeFault('dropCreateResponse')) return false;
  res.socket?.destroy();
  return true;
}
