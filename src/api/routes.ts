// The agents' operations over plain HTTP and JSON, for services and agents that do not speak MCP: the same
// operations and schemas as the MCP tools (agents/schemas.ts), described by the OpenAPI document served at
// /openapi.json (generated from those schemas by @hono/zod-openapi). The agent is the one its bearer token
// names (mcp/http.ts checks it before any route runs); errors are the tools' error view with an HTTP status.
import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { AgentDirectory } from '../agents/directory';
import type { AgentOperations } from '../agents/operations';
import { bodyOf } from '../agents/body';
import {
  expiresInSeconds,
  fromQuery,
  listLimit,
  listOut,
  quoteOut,
  resultOut,
  runArgs,
  runView,
  startArgs,
  startedOut,
  waitSeconds,
} from '../agents/schemas';
import { EXIT } from '../shared/errors';
import { agentErrorView } from '../agents/errors';

export type AgentVariables = { Variables: { agent: string } };

const errorOut = z.object({
  error: z.object({
    type: z.string(),
    message: z.string(),
    remedy: z.string().optional(),
    retryable: z.boolean(),
    details: z.record(z.string(), z.unknown()).optional(),
    correlationId: z
      .string()
      .optional()
      .describe("the server's log holds this error's details under this ID: give it to the operator"),
  }),
});

const json = <T extends z.ZodType>(schema: T, description: string) => ({
  content: { 'application/json': { schema } },
  description,
});
const errors = {
  400: json(errorOut, 'bad input, a refused quote or maxCost: nothing was started'),
  401: json(z.object({ error: z.string(), remedy: z.string() }), 'no known bearer token'),
  402: json(errorOut, "the agent's daily budget has no room for it"),
  404: json(errorOut, 'no run of this agent has that ID'),
  409: json(errorOut, 'the key names another request, or the run is still running'),
  429: json(errorOut, "past the agent's rate of starts: Retry-After says when"),
};
const idParam = z.object({ id: z.string().describe('the run ID `start` returned') });

const routes = {
  quote: createRoute({
    method: 'post',
    path: '/v1/quote',
    summary:
      'The exact estimate, expected time and a quoteId for a job request, a pipeline spec or a campaign',
    request: { body: { content: { 'application/json': { schema: z.object(runArgs) } }, required: true } },
    responses: { 200: json(quoteOut, 'the quote'), ...errors },
  }),
  start: createRoute({
    method: 'post',
    path: '/v1/start',
    summary: 'Start once under an idempotency key (the same key gives the same run back)',
    request: { body: { content: { 'application/json': { schema: z.object(startArgs) } }, required: true } },
    responses: { 200: json(startedOut, 'the run (created: false when the key already named it)'), ...errors },
  }),
  list: createRoute({
    method: 'get',
    path: '/v1/runs',
    summary: "The agent's runs, newest first",
    request: { query: z.object({ limit: fromQuery(listLimit) }) },
    responses: { 200: json(listOut, 'runs'), ...errors },
  }),
  status: createRoute({
    method: 'get',
    path: '/v1/runs/{id}',
    summary: 'Where a run stands: status, tasks, cost, ETA',
    request: { params: idParam },
    responses: { 200: json(runView, 'the run'), ...errors },
  }),
  wait: createRoute({
    method: 'post',
    path: '/v1/runs/{id}/wait',
    summary: 'Wait at most `seconds` for the run to end; still running: running true and the ETA',
    request: { params: idParam, query: z.object({ seconds: fromQuery(waitSeconds) }) },
    responses: { 200: json(runView, 'the run'), ...errors },
  }),
  cancel: createRoute({
    method: 'post',
    path: '/v1/runs/{id}/cancel',
    summary: 'Cancel; says which tasks were canceled free and which were kept (paid, stored)',
    request: { params: idParam },
    responses: { 200: json(runView, 'the run, ended'), ...errors },
  }),
  result: createRoute({
    method: 'get',
    path: '/v1/runs/{id}/result',
    summary: "An ended run's outputs and manifest: locations and signed URLs with their expiry",
    request: { params: idParam, query: z.object({ expiresInSeconds: fromQuery(expiresInSeconds) }) },
    responses: { 200: json(resultOut, 'outputs'), ...errors },
  }),
};

export function agentApi(agents: AgentDirectory): OpenAPIHono<AgentVariables> {
  const api = new OpenAPIHono<AgentVariables>({
    // Schema failures read like every other refusal: the field, the value, what it must be.
    defaultHook: (result, c) => {
      if (result.success) return;
      const problems = result.error.issues.map((i) => ({
        field: i.path.join('.') || '(body)',
        message: i.message,
      }));
      return c.json(
        {
          error: {
            type: 'InvalidRequestError',
            message: `invalid request: ${problems.map((p) => `${p.field}: ${p.message}`).join('; ')}`,
            remedy: 'Fix the named fields; nothing was started. /openapi.json describes every operation.',
            retryable: false,
            details: { problems },
          },
        },
        400,
      );
    },
  });
  const ops = (c: Context<AgentVariables>): AgentOperations => agents.get(c.get('agent'));
  // Handlers answer with their schema's shape or an error view; the generated types cannot follow both.
  const answer = async (c: Context<AgentVariables>, work: () => Promise<unknown>): Promise<Response> => {
    try {
      return c.json(await work(), 200);
    } catch (err) {
      const view = agentErrorView(err);
      const status = statusOf(view.type, view.exitCode);
      const retryAfter = (view.details as { retryAfterSeconds?: number } | undefined)?.retryAfterSeconds;
      if (retryAfter !== undefined) c.header('Retry-After', String(retryAfter));
      return c.json({ error: view }, status);
    }
  };
  type Args = z.infer<z.ZodObject<typeof startArgs>>;
  const id = (c: Context<AgentVariables>) => valid<{ id: string }>(c, 'param').id;
  api.openapi(routes.quote, ((c: Context<AgentVariables>) =>
    answer(c, async () => ops(c).quote(bodyOf(valid<Args>(c, 'json'))))) as never);
  api.openapi(routes.start, ((c: Context<AgentVariables>) =>
    answer(c, async () => {
      const args = valid<Args>(c, 'json');
      return ops(c).start(bodyOf(args), args.idempotencyKey, args);
    })) as never);
  api.openapi(routes.list, ((c: Context<AgentVariables>) =>
    answer(c, async () => ({
      runs: await ops(c).list(valid<{ limit: number }>(c, 'query').limit),
    }))) as never);
  api.openapi(routes.status, ((c: Context<AgentVariables>) =>
    answer(c, async () => ops(c).status(id(c)))) as never);
  api.openapi(routes.wait, ((c: Context<AgentVariables>) =>
    answer(c, async () => ops(c).wait(id(c), valid<{ seconds: number }>(c, 'query').seconds))) as never);
  api.openapi(routes.cancel, ((c: Context<AgentVariables>) =>
    answer(c, async () => ops(c).cancel(id(c)))) as never);
  api.openapi(routes.result, ((c: Context<AgentVariables>) =>
    answer(c, async () => {
      const r = await ops(c).result(id(c), valid<{ expiresInSeconds: number }>(c, 'query').expiresInSeconds);
      return {
        run: r.view,
        outputs: r.outputs,
        ...(r.manifest ? { manifest: r.manifest } : {}),
        expiresAt: r.expiresAt,
      };
    })) as never);
  return api;
}

/** What the route's schemas made of a request part (validated, defaults applied). */
function valid<T>(c: Context<AgentVariables>, target: 'json' | 'query' | 'param'): T {
  return (c.req as unknown as { valid(t: string): T }).valid(target);
}

/** The OpenAPI document of the API above (served without a token: it holds no data). */
export function openApiDocument(
  api: OpenAPIHono<AgentVariables>,
  version: string,
): ReturnType<OpenAPIHono['getOpenAPIDocument']> {
  return api.getOpenAPIDocument({
    openapi: '3.0.3',
    info: { title: 'wanflow agents API', version },
    security: [{ bearer: [] }],
  });
}

function statusOf(type: string, exitCode: number): ContentfulStatusCode {
  if (type === 'AgentBudgetError') return 402;
  if (type === 'AgentRateError') return 429;
  if (type === 'RunStillRunningError' || exitCode === EXIT.conflict) return 409;
  if (exitCode === EXIT.notFound) return 404;
  if (exitCode === EXIT.usage) return 400;
  if (exitCode === EXIT.unreachable) return 503;
  return 500;
}
