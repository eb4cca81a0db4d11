// The plain HTTP API's own part — its OpenAPI document, the schema checks on every route, and the HTTP status
// of each refusal — on hono's in-memory requests. The operations behind it are exercised for real, through
// MCP and HTTP, in test/e2e/mcp.test.ts; here they answer from a table so each status has its case.
import { Hono } from 'hono';
import { describe, expect, it, vi } from 'vitest';
import type { AgentDirectory } from '../../src/agents/directory';
import { AgentBudgetError, AgentRateError } from '../../src/agents/operations';
import { agentApi, openApiDocument, type AgentVariables } from '../../src/api/routes';
import { RunNotFoundError } from '../../src/client/runs';
import { IdempotencyConflictError } from '../../src/client/start-once';
import { TemporalUnreachableError } from '../../src/client/jobs';
import { StorageError } from '../../src/storage/store';
import { InvalidRequestError } from '../../src/wan/validation';

const calls: unknown[][] = [];
let next: () => unknown = () => ({});
const ops = new Proxy(
  {},
  {
    get:
      (_t, name) =>
      async (...args: unknown[]) => {
        calls.push([name, ...args]);
        return next();
      },
  },
);
const directory = { get: () => ops } as unknown as AgentDirectory;
const api = agentApi(directory);
const app = new Hono<AgentVariables>()
  .use('*', async (c, n) => {
    c.set('agent', 'tester');
    await n();
  })
  .route('/', api);
const post = (path: string, body: unknown) =>
  app.request(path, {
    method: 'POST',
    body: JSON.stringify(body),
    headers: { 'content-type': 'application/json' },
  });
const request = {
  model: 'wan2.7-t2v',
  input: { prompt: 'p' },
  parameters: { resolution: '720P', duration: 2 },
};

describe('the agents HTTP API', () => {
  it('publishes every operation in its OpenAPI document, behind a bearer token', () => {
    const doc = openApiDocument(api, '0.0.0');
    expect(Object.keys(doc.paths).sort()).toEqual([
      '/v1/quote',
      '/v1/runs',
      '/v1/runs/{id}',
      '/v1/runs/{id}/cancel',
      '/v1/runs/{id}/result',
      '/v1/runs/{id}/wait',
      '/v1/start',
    ]);
    expect(doc.security).toEqual([{ bearer: [] }]);
    const start = doc.paths['/v1/start']!.post!;
    expect(Object.keys(start.responses).sort()).toEqual(['200', '400', '401', '402', '404', '409', '429']);
  });

  it('checks every request against its schema before an operation runs, naming the field', async () => {
    calls.length = 0;
    const tooMany = await app.request('/v1/runs?limit=500');
    expect(tooMany.status).toBe(400);
    const body = (await tooMany.json()) as { error: { type: string; message: string } };
    expect(body.error.type).toBe('InvalidRequestError');
    expect(body.error.message).toMatch(/limit: .*100/);
    const noKey = await post('/v1/start', { request });
    expect(noKey.status).toBe(400);
    expect(((await noKey.json()) as { error: { message: string } }).error.message).toMatch(/idempotencyKey/);
    const both = await post('/v1/quote', { request, spec: { stages: [] } });
    expect(both.status).toBe(400);
    expect(calls).toEqual([]);
    next = () => ({ runs: [] });
    expect((await app.request('/v1/runs')).status).toBe(200);
    expect(calls).toEqual([['list', 20]]);
  });

  it('answers each refusal with its status: rate 429 with Retry-After, budget 402, conflict 409, unknown 404', async () => {
    const cases: [Error, number][] = [
      [new AgentRateError('agent tester may start 2 runs a minute', 7), 429],
      [new AgentBudgetError('no room', { cap: 1, currency: 'CNY', spent: 1, reserved: 0, left: 0 }), 402],
      [new IdempotencyConflictError('key "k" was already used'), 409],
      [new RunNotFoundError('no pipeline or job with ID "x"'), 404],
    ];
    for (const [err, status] of cases) {
      next = () => {
        throw err;
      };
      const r = await post('/v1/start', { request, idempotencyKey: 'k', maxCost: 2 });
      expect(r.status, err.name).toBe(status);
      const body = (await r.json()) as { error: { type: string; remedy?: string } };
      expect(body.error.type).toBe(err.name);
      expect(body.error.remedy).toBeTruthy();
      if (status === 429) expect(r.headers.get('retry-after')).toBe('7');
    }
  });

  it('an unexpected error reaches the agent as its type and a correlation ID; its paths and addresses stay in the log', async () => {
    const cases: [Error, number, string, boolean][] = [
      [
        new Error("ENOENT: no such file or directory, open '/srv/wanflow/data/secret.json'"),
        500,
        'InternalError',
        false,
      ],
      [
        new StorageError('NoSuchBucket: wanflow-private-7f3a does not exist', 'Create the bucket.'),
        500,
        'StorageError',
        false,
      ],
      [
        new TemporalUnreachableError('cannot reach Temporal at 10.0.4.17:7233: connection refused'),
        503,
        'TemporalUnreachableError',
        true,
      ],
    ];
    const logged: string[] = [];
    const write = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
      logged.push(String(chunk));
      return true;
    });
    try {
      for (const [err, status, type, retryable] of cases) {
        next = () => {
          throw err;
        };
        const r = await post('/v1/quote', { request });
        expect(r.status, err.name).toBe(status);
        const { error } = (await r.json()) as { error: Record<string, unknown> };
        const text = JSON.stringify(error);
        expect(text).not.toMatch(/\/srv|wanflow-private|10\.0\.4\.17|7233|ENOENT/);
        expect(error).toMatchObject({
          type,
          retryable,
          correlationId: expect.stringMatching(/^[0-9a-f-]{36}$/),
        });
        expect(error.message).toContain(error.correlationId);
        const line = logged.find((l) => l.includes(String(error.correlationId)));
        expect(line, 'the log line under the correlation ID').toBeDefined();
        expect(line).toContain(err.message.slice(0, 20));
      }
    } finally {
      write.mockRestore();
    }
  });

  it("a refusal of the agent's own request is shown in full", async () => {
    next = () => {
      throw new InvalidRequestError([{ field: 'input.prompt', value: 'x', message: 'is empty' }]);
    };
    const r = await post('/v1/quote', { request });
    expect(r.status).toBe(400);
    const { error } = (await r.json()) as { error: { message: string; details: unknown } };
    expect(error.message).toMatch(/input\.prompt: is empty/);
    expect(error.details).toMatchObject({ problems: [{ field: 'input.prompt' }] });
  });
});
