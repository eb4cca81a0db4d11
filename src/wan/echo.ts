// What a task tells about the request that made it (contract §5: `orig_prompt`, and on success the
// usage's resolution, ratio and seconds), and whether a task found in the list can be this request's.
// Used only after a create whose answer was lost. Pure.
import { isImageRequest, promptOf, type WanRequest } from './validation';
import type { TaskSnapshot } from './tasks';

/** The prompt as the service keeps it: outer white space trimmed, inner runs folded, Unicode NFC. */
export function normalizePrompt(prompt: string | undefined): string {
  return (prompt ?? '').normalize('NFC').replace(/\s+/g, ' ').trim();
}

/** Everything a task echoes of its request, as one string: two requests with the same echo cannot be
 * told apart by looking at their tasks. */
export function echoOf(request: WanRequest): string {
  return `${request.model}\n${normalizePrompt(promptOf(request))}`;
}

export type EchoVerdict =
  | { verdict: 'match' }
  | { verdict: 'mismatch'; field: string }
  /** The task could be this request's, but a field that would tell is not echoed. */
  | { verdict: 'uncertain'; field: string };

export function compareEcho(request: WanRequest, task: TaskSnapshot): EchoVerdict {
  const wanted = normalizePrompt(promptOf(request));
  const echoed = normalizePrompt(task.origPrompt);
  if (wanted && !echoed) return { verdict: 'uncertain', field: 'input.prompt' };
  if (wanted !== echoed) return { verdict: 'mismatch', field: 'input.prompt' };
  if (isImageRequest(request) || task.status !== 'SUCCEEDED' || !task.usage) return { verdict: 'match' };
  // A finished video task also echoes its size and length through its usage.
  const p = request.parameters;
  const sr = task.usage.sr;
  if (sr !== undefined && sr !== Number.parseInt(p.resolution, 10))
    return { verdict: 'mismatch', field: 'parameters.resolution' };
  // 'adaptive' (Wan 3.0) lets the model take a ratio: the task echoes the one it took.
  const ratio = 'ratio' in p && p.ratio !== 'adaptive' ? p.ratio : undefined;
  if (ratio && task.usage.ratio && task.usage.ratio !== ratio && !hasMedia(request))
    return { verdict: 'mismatch', field: 'parameters.ratio' };
  const seconds = task.usage.outputVideoDuration;
  if (seconds !== undefined && p.duration > 0 && Math.abs(seconds - p.duration) > 0.5)
    return { verdict: 'mismatch', field: 'parameters.duration' };
  return { verdict: 'match' };
}

function hasMedia(request: WanRequest): boolean {
  return 'media' in request.input && Array.isArray(request.input.media) && request.input.media.length > 0;
}
