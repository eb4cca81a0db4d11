// `wanflow list`: runs newest first — pipelines, jobs and campaigns, as the studio lists them — filtered by
// kind, state, labels and model.
import { Command, Option } from 'commander';
import { connectClient } from '../../client/jobs';
import { listRuns, type RunKind, type RunRow } from '../../client/run-list';
import { ListFilterError } from '../../client/runs';
import { EXIT } from '../../shared/errors';
import { action, type CommandContext } from '../context';
import { keyValue, wholeNumberIn } from '../flags';

interface ListOptions {
  kind?: RunKind;
  state?: string;
  label?: string[];
  model?: string;
  limit?: number;
  json?: boolean;
}

export function listCommand(ctx: CommandContext): Command {
  return new Command('list')
    .description('runs newest first: pipelines, jobs and campaigns (not the jobs and rows inside them)')
    .addOption(new Option('--kind <kind>', 'only runs of this kind').choices(['pipeline', 'job', 'campaign']))
    .addOption(
      new Option('--state <state>', 'only runs in this state').choices([
        'running',
        'stored',
        'completed',
        'failed',
        'canceled',
      ]),
    )
    .option('--label <key=value>', 'only runs with this label (repeatable: all of them)', keyValue)
    .option('--model <model>', 'only runs that use this model')
    .option('--limit <n>', 'at most this many (default 100)', wholeNumberIn(1, 10_000))
    .option('--json', 'the rows as JSON')
    .action(
      action(ctx, async (opts: ListOptions) => {
        const config = ctx.config();
        if ((opts.state || opts.label?.length || opts.model) && !config.searchAttributes)
          throw new ListFilterError('filtering by state, label or model needs the wanflow search attributes');
        const client = await connectClient(config);
        const rows = await listRuns(
          client,
          {
            kind: opts.kind,
            state: opts.state,
            labels: opts.label,
            model: opts.model,
            limit: opts.limit ?? 100,
          },
          config.searchAttributes,
        );
        ctx.io.out(opts.json ? JSON.stringify(rows, null, 2) : listTable(rows));
        return EXIT.ok;
      }),
    );
}

function listTable(rows: RunRow[]): string {
  if (!rows.length) return 'no runs';
  const header = ['ID', 'KIND', 'STATE', 'RUNNING STAGES', 'STARTED', 'MODELS', 'LABELS', 'NAME'];
  const cells = rows.map((r) => [
    r.id,
    r.kind,
    r.state,
    r.runningStages?.join(',') || '-',
    r.started.replace(/\.\d+Z$/, 'Z'),
    r.models.join(',') || '-',
    r.labels.join(',') || '-',
    r.name ?? '-',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  return [header, ...cells]
    .map((row) =>
      row
        .map((c, i) => c.padEnd(widths[i]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
