// wanflow's tools for agents over MCP, on the official SDK: each with zod input and output schemas,
// structured content, and annotations that say what it does to the world. Failures are tool errors an
// agent can act on — the field, the value, the limit and the remedy — never a stack or a secret.
import { McpServer } from '@modelcontextprotocol/server';
import { z } from 'zod';
import type { AgentOperations } from '../agents/operations';
import { bodyOf } from '../agents/body';
import { agentErrorView } from '../agents/errors';
import {
  expiresInSeconds,
  listLimit,
  listOut,
  quoteOut,
  resultOut,
  runArgs,
  runId,
  runView,
  startArgs,
  startedOut,
  waitSeconds,
} from '../agents/schemas';

export function buildMcpServer(ops: AgentOperations, version: string): McpServer {
  const server = new McpServer({ name: 'wanflow', version });

  server.registerTool(
    'quote',
    {
      title: 'Quote a video job, pipeline or campaign',
      description:
        "Validates a job request, a pipeline spec or a campaign (a template and its rows) and preflights a job's or pipeline's media; returns the exact estimated cost (a campaign's: the least of its rows' total and its budget), the expected time and a quoteId to start it with. Starts nothing, pays nothing.",
      inputSchema: z.object(runArgs),
      outputSchema: quoteOut,
      annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: true },
    },
    async (args) => guarded(async () => ops.quote(bodyOf(args))),
  );

  server.registerTool(
    'start',
    {
      title: 'Start a quoted job, pipeline or campaign, once',
      description:
        'Starts the request under your idempotency key. The same key always returns the same run (call again after a timeout: nothing is paid twice); another request under a used key is refused. Needs the quoteId from `quote` (a price above it is refused) or maxCost.',
      inputSchema: z.object(startArgs),
      outputSchema: startedOut,
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: true },
    },
    async (args) =>
      guarded(async () =>
        ops.start(bodyOf(args), args.idempotencyKey, { quoteId: args.quoteId, maxCost: args.maxCost }),
      ),
  );

  server.registerTool(
    'status',
    {
      title: 'Where a run stands',
      description:
        "Status, tasks, estimated and billed cost, and the ETA of a running run; a campaign's rows by state.",
      inputSchema: z.object({ id: runId }),
      outputSchema: runView,
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    async ({ id }) => guarded(async () => ops.status(id)),
  );

  server.registerTool(
    'wait',
    {
      title: 'Wait for a run, a bounded time',
      description:
        'Waits at most `seconds` (default 25, at most 50) for the run to end, with progress notifications; a run still going returns running: true and its ETA — call again.',
      inputSchema: z.object({ id: runId, seconds: waitSeconds }),
      outputSchema: runView,
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    async ({ id, seconds }, ctx) =>
      guarded(async () => {
        const token = ctx.mcpReq._meta?.progressToken;
        const began = Date.now();
        return ops.wait(id, seconds, async (v) => {
          if (token === undefined) return;
          await ctx.mcpReq.notify({
            method: 'notifications/progress',
            params: {
              progressToken: token,
              progress: Math.round((Date.now() - began) / 1000),
              total: seconds,
              message: `${v.kind} ${v.id} ${v.status}${v.etaSeconds !== undefined ? `, about ${v.etaSeconds} s left` : ''}`,
            },
          });
        });
      }),
  );

  server.registerTool(
    'cancel',
    {
      title: 'Cancel a run',
      description:
        'Cancels a running run and returns, once it has ended, which tasks were canceled free and which were kept because they were already running (paid: their outputs are still stored).',
      inputSchema: z.object({ id: runId }),
      outputSchema: runView,
      annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: true },
    },
    async ({ id }) => guarded(async () => ops.cancel(id)),
  );

  server.registerTool(
    'result',
    {
      title: "A run's outputs",
      description:
        "Where an ended run's outputs and manifest (a campaign's: its report) are: storage locations and signed URLs, with their expiry.",
      inputSchema: z.object({ id: runId, expiresInSeconds }),
      outputSchema: resultOut,
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    async ({ id, expiresInSeconds }) =>
      guarded(async () => {
        const r = await ops.result(id, expiresInSeconds);
        return {
          run: r.view,
          outputs: r.outputs,
          ...(r.manifest ? { manifest: r.manifest } : {}),
          expiresAt: r.expiresAt,
        };
      }),
  );

  server.registerTool(
    'list',
    {
      title: 'Your runs',
      description: 'The runs this agent started, newest first.',
      inputSchema: z.object({ limit: listLimit }),
      outputSchema: listOut,
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    async ({ limit }) => guarded(async () => ({ runs: await ops.list(limit) })),
  );

  return server;
}

/** A result as structured content (and its text), or a tool error the agent can act on. */
async function guarded<T extends object>(work: () => Promise<T>) {
  try {
    const value = await work();
    return { content: [{ type: 'text' as const, text: JSON.stringify(value) }], structuredContent: value };
  } catch (err) {
    const view = agentErrorView(err);
    return {
      isError: true as const,
      content: [{ type: 'text' as const, text: JSON.stringify({ error: view }) }],
    };
  }
}
