// A text-to-video campaign of `rows` prompts unique to it (so the simulator's books tell its tasks apart),
// started through the public client; and reading those books: the most tasks in progress at once.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startCampaign } from '../../src/client/campaigns';
import { readRowsFile } from '../../src/campaigns/rows';
import { uniqueId, type JobHarness } from './jobs';

export async function startPromptCampaign(
  h: JobHarness,
  dir: string,
  o: { prefix: string; rows: number; window: number },
): Promise<{ campaignId: string; prompts: string[] }> {
  const campaignId = uniqueId(o.prefix);
  const file = join(dir, `${campaignId}.csv`);
  const prompts = Array.from({ length: o.rows }, (_, i) => `${campaignId} shot ${i}`);
  writeFileSync(file, ['prompt', ...prompts.map((p) => `"${p}"`)].join('\n') + '\n');
  await startCampaign(h.client, h.config, {
    campaignId,
    template: {
      kind: 'job',
      body: {
        model: 'wan2.7-t2v',
        input: { prompt: '{{prompt}}' },
        parameters: { resolution: '720P', duration: 2 },
      },
    },
    rows: readRowsFile(file),
    baseDir: dir,
    window: o.window,
  });
  return { campaignId, prompts };
}

/** The most tasks in progress at once (created, until ended or canceled), from the simulator's books. */
export function peakInProgress(tasks: { createdAt: number; endsAt: number }[]): number {
  const edges = tasks.flatMap((t) => [
    [t.createdAt, 1],
    [t.endsAt, -1],
  ]);
  // An end and a start at the same millisecond: the end first (the slot was free).
  edges.sort((a, b) => a[0]! - b[0]! || a[1]! - b[1]!);
  let now = 0;
  let peak = 0;
  for (const [, d] of edges) peak = Math.max(peak, (now += d!));
  return peak;
}
