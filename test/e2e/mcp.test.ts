// `wanflow mcp` as an agent meets it: the official MCP client starts the built command over stdio against
// real servers and a simulator, and behaves as agents do — it times out and calls again, replays calls,
// sends bad input, a changed request under an old quote, another request under a used key. Whatever it
// does, each key pays for one task, and every refusal names the field, the value, the limit and a remedy.
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { startTestServers, testEnv, type TestServers } from '../harness/servers';
import { startInProcessWorker, type InProcessWorker } from '../harness/workers';
import { uniqueId } from '../harness/jobs';
import { makeImage } from '../harness/media';
import { withWanflowOnPath } from '../harness/cli';

const CLI = resolve(__dirname, '../../dist/cli/main.js');
let servers: TestServers;
let worker: InProcessWorker;
let agent: Client;
let transport: StdioClientTransport;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  // Tasks run ~6 s: long enough to wait on, cancel while RUNNING and time a call out against.
  servers = await startTestServers({ queueMs: 300, runMs: 6000, runPerOutputSecondMs: 0 });
  env = testEnv(servers, 'mcp');
  worker = await startInProcessWorker(env);
  // The client is configured as the agents guide shows, `wanflow` on the PATH.
  const guide = readFileSync(resolve(__dirname, '../../docs/agents.md'), 'utf8');
  const server = (JSON.parse(/```json\n([\s\S]*?)```/.exec(guide)![1]!) as ClientConfig).mcpServers.wanflow!;
  expect(server).toMatchObject({ command: 'wanflow', args: ['mcp'] });
  transport = new StdioClientTransport({
    command: server.command,
    args: server.args,
    env: Object.fromEntries(
      Object.entries(withWanflowOnPath({ ...env, ...server.env })).filter(
        (e): e is [string, string] => e[1] !== undefined,
      ),
    ),
    stderr: 'pipe',
  });
  agent = new Client({ name: 'wanflow-test-agent', version: '1.0.0' });
  await agent.connect(transport);
}, 120_000);
afterAll(async () => {
  await agent?.close();
  await worker?.stop();
  await servers?.stop();
});

const t2v = (prompt: string, duration = 2) => ({
  model: 'wan2.7-t2v',
  input: { prompt },
  parameters: { resolution: '720P', duration },
});

const i2vOf = (url: string, prompt: string) => ({
  model: 'wan2.7-i2v',
  input: { prompt, media: [{ type: 'first_frame', url }] },
  parameters: { resolution: '720P', duration: 2 },
});

/** A campaign of three 2 s text-to-video rows (1.2 CNY each), its prompts `<tag> 0…2`. */
const promptCampaign = (tag: string) => ({
  template: { kind: 'job', body: t2v('{{prompt}}') },
  rows: [0, 1, 2].map((i) => ({ prompt: `${tag} ${i}` })),
});

type Structured = Record<string, unknown> & { id?: string };

async function call(name: string, args: Record<string, unknown>, options = {}) {
  return agent.callTool({ name, arguments: args }, options);
}
async function ok(name: string, args: Record<string, unknown>): Promise<Structured> {
  const r = await call(name, args);
  expect(r.isError, JSON.stringify(r.content)).toBeFalsy();
  return r.structuredContent as Structured;
}
async function refused(name: string, args: Record<string, unknown>) {
  const r = await call(name, args);
  expect(r.isError).toBe(true);
  const text = (r.content as { type: string; text: string }[])[0]!.text;
  expect(text).not.toMatch(/\n\s+at /); // never a stack
  return (
    JSON.parse(text) as {
      error: { type: string; message: string; remedy?: string; details?: { problems?: unknown[] } };
    }
  ).error;
}
interface ClientConfig {
  mcpServers: Record<string, { command: string; args: string[]; env?: Record<string, string> }>;
}

const tasksFor = (prompt: string) => servers.simulator.tasks().filter((t) => t.prompt === prompt);

describe('wanflow mcp (stdio, the official MCP client)', () => {
  it('lists its tools with schemas and annotations that say what each does', async () => {
    const { tools } = await agent.listTools();
    const byName = Object.fromEntries(tools.map((t) => [t.name, t]));
    expect(Object.keys(byName).sort()).toEqual([
      'cancel',
      'list',
      'quote',
      'result',
      'start',
      'status',
      'wait',
    ]);
    expect(byName.quote!.annotations).toMatchObject({ readOnlyHint: true, idempotentHint: true });
    expect(byName.start!.annotations).toMatchObject({
      readOnlyHint: false,
      destructiveHint: false,
      idempotentHint: true,
    });
    expect(byName.cancel!.annotations).toMatchObject({ destructiveHint: true });
    expect(byName.start!.inputSchema.required).toContain('idempotencyKey');
    for (const t of tools) expect(t.outputSchema, t.name).toBeDefined();
  });

  it('an agent whose start timed out calls again, and replays it: the same run, one paid task', async () => {
    const prompt = uniqueId('mcp once');
    const quote = await ok('quote', { request: t2v(prompt) });
    expect(quote).toMatchObject({ amount: 1.2, currency: 'CNY', tasks: 1 });
    expect(quote.quoteId).toMatch(/^wq1\./);
    const key = uniqueId('once');
    const args = { request: t2v(prompt), idempotencyKey: key, quoteId: quote.quoteId };
    // The client gives up after 5 ms; the server goes on and starts the run.
    await expect(call('start', args, { timeout: 5 })).rejects.toThrow(/timed out|timeout/i);
    const again = await ok('start', args);
    expect(again.id).toBe(`writer.${key}`);
    const replays = await Promise.all([ok('start', args), ok('start', args), ok('start', args)]);
    expect(new Set(replays.map((r) => r.id))).toEqual(new Set([again.id]));
    const done = await ok('wait', { id: again.id, seconds: 50 });
    expect(done).toMatchObject({ running: false, status: 'stored', billed: { CNY: 1.2 } });
    expect(tasksFor(prompt)).toHaveLength(1);
  }, 120_000);

  it('another request under a used key, a changed request under an old quote, a cost above maxCost: refused, unpaid', async () => {
    const prompt = uniqueId('mcp refused');
    const quote = await ok('quote', { request: t2v(prompt) });
    const key = uniqueId('taken');
    await ok('start', { request: t2v(prompt), idempotencyKey: key, quoteId: quote.quoteId });
    const conflict = await refused('start', {
      request: t2v(`${prompt} other`),
      idempotencyKey: key,
      maxCost: 100,
    });
    expect(conflict).toMatchObject({ type: 'IdempotencyConflictError' });
    expect(conflict.message).toContain(key);
    expect(conflict.remedy).toMatch(/new key/);

    const longer = await refused('start', {
      request: t2v(`${prompt} longer`, 10),
      idempotencyKey: uniqueId('q'),
      quoteId: quote.quoteId,
    });
    expect(longer).toMatchObject({
      type: 'QuoteRefusedError',
      message: 'quoteId was made for a different request',
    });
    const forged = await refused('start', {
      request: t2v(prompt),
      idempotencyKey: uniqueId('q'),
      quoteId: `${String(quote.quoteId).slice(0, -4)}AAAA`,
    });
    expect(forged.message).toMatch(/not a quote this server made/);
    const dear = await refused('start', {
      request: t2v(`${prompt} dear`, 10),
      idempotencyKey: uniqueId('q'),
      maxCost: 1,
    });
    expect(dear.message).toBe('the estimate 6 CNY is above maxCost 1');
    const bare = await refused('start', { request: t2v(`${prompt} bare`), idempotencyKey: uniqueId('q') });
    expect(bare.message).toMatch(/needs a quoteId or a maxCost/);
    for (const p of [`${prompt} other`, `${prompt} longer`, `${prompt} dear`, `${prompt} bare`])
      expect(tasksFor(p)).toEqual([]);
  }, 120_000);

  it('bad input names the field, the value and the limit, before anything is paid', async () => {
    const prompt = uniqueId('mcp bad');
    const bad = await refused('quote', { request: t2v(prompt, 99) });
    expect(bad.type).toBe('InvalidRequestError');
    expect(bad.details!.problems).toEqual([
      expect.objectContaining({ field: 'request.parameters.duration', value: 99 }),
    ]);
    expect(bad.message).toMatch(/request\.parameters\.duration: .*\d/);
    const both = await refused('quote', { request: t2v(prompt), spec: { stages: [] } });
    expect(both.message).toMatch(/exactly one of `request`/);
    const key = await refused('start', { request: t2v(prompt), idempotencyKey: '../etc', maxCost: 5 });
    expect(key.details!.problems).toEqual([
      expect.objectContaining({ field: 'idempotencyKey', value: '../etc' }),
    ]);
    const foreign = await refused('status', { id: 'someone-else.k1' });
    expect(foreign.message).toMatch(/id: is not a run of agent writer/);
    // A stored key that walks out of the store is refused at the client, by field, before any start.
    const traversal = await refused('start', {
      request: i2vOf('asset://../../etc/passwd', prompt),
      idempotencyKey: uniqueId('t'),
      maxCost: 5,
    });
    expect(traversal.details!.problems).toEqual([
      expect.objectContaining({ field: 'request.input.media.0.url', value: 'asset://../../etc/passwd' }),
    ]);
    // A prompt of three million characters: its field and its limit, not "the request is too large".
    const long = await refused('quote', { request: t2v('a'.repeat(3_000_000)) });
    expect(long.details!.problems).toEqual([
      expect.objectContaining({
        field: 'request.input.prompt',
        message: expect.stringMatching(/longer than 20000 characters/),
      }),
    ]);
    expect(tasksFor(prompt)).toEqual([]);
  });

  it('wait returns "still running" with an ETA and progress notifications, then the result with signed URLs', async () => {
    const prompt = uniqueId('mcp wait');
    const started = await ok('start', { request: t2v(prompt), idempotencyKey: uniqueId('w'), maxCost: 2 });
    const progress: { progress: number; message?: string }[] = [];
    const early = await agent.callTool(
      { name: 'wait', arguments: { id: started.id, seconds: 2 } },
      { onprogress: (p) => progress.push(p) },
    );
    expect(early.structuredContent).toMatchObject({ running: true });
    expect((early.structuredContent as { etaSeconds?: number }).etaSeconds).toBeGreaterThanOrEqual(0);
    expect(progress.length).toBeGreaterThanOrEqual(1);
    expect(progress[0]!.message).toMatch(new RegExp(`job ${started.id} `));
    const early2 = await refused('result', { id: started.id });
    expect(early2.type).toBe('RunStillRunningError');
    await ok('wait', { id: started.id, seconds: 50 });
    const result = await ok('result', { id: started.id, expiresInSeconds: 600 });
    const outputs = result.outputs as { url: string; key: string }[];
    expect(outputs).toHaveLength(1);
    expect(outputs[0]!.url).toMatch(/^http.*X-Amz-Signature=/);
    expect(Date.parse(String(result.expiresAt)) - Date.now()).toBeGreaterThan(590_000);
    const listed = await ok('list', { limit: 100 });
    expect((listed.runs as { id: string }[]).map((r) => r.id)).toContain(started.id);
  }, 120_000);

  it('a pipeline through the same tools: its quote is what its four stages are billed, and its key runs it once', async () => {
    const spec = parse(readFileSync(resolve(__dirname, '../../examples/teaser.yaml'), 'utf8')) as Record<
      string,
      unknown
    >;
    const quote = await ok('quote', { spec });
    expect(quote).toMatchObject({ currency: 'CNY', tasks: 4 });
    const key = uniqueId('teaser');
    const args = { spec, idempotencyKey: key, quoteId: quote.quoteId };
    const [first, again] = await Promise.all([ok('start', args), ok('start', args)]);
    expect(first).toMatchObject({ id: `writer.${key}`, kind: 'pipeline' });
    expect(again.id).toBe(first.id);
    let view: Structured = {};
    do view = await ok('wait', { id: first.id, seconds: 50 });
    while (view.running);
    expect(view).toMatchObject({
      status: 'stored',
      billed: { CNY: quote.amount },
      estimated: { CNY: quote.amount },
    });
    expect((view.stages as { status: string }[]).map((st) => st.status)).toEqual([
      'stored',
      'stored',
      'stored',
      'stored',
    ]);
    expect(view.taskIds).toHaveLength(4);
    const result = await ok('result', { id: first.id });
    expect((result.outputs as { stage: string }[]).map((o) => o.stage)).toEqual([
      'explore',
      'extend',
      'cast',
      'finish',
    ]);
  }, 180_000);

  it('a campaign through the same tools: quoted at what its rows are billed, started once under its key, its outputs collected', async () => {
    const tag = uniqueId('mcp campaign');
    const campaign = { ...promptCampaign(tag), window: 3 };
    const quote = await ok('quote', { campaign });
    expect(quote).toMatchObject({ amount: 3.6, currency: 'CNY', tasks: 3 });
    const key = uniqueId('camp');
    const args = { campaign, idempotencyKey: key, quoteId: quote.quoteId };
    // The first call times out while its rows are written; the retry waits for it and gets the same run.
    await expect(call('start', args, { timeout: 5 })).rejects.toThrow(/timed out|timeout/i);
    const again = await ok('start', args);
    expect(again).toMatchObject({ id: `writer.${key}`, kind: 'campaign' });
    expect((await ok('start', args)).created).toBe(false);
    let view: Structured = {};
    do view = await ok('wait', { id: again.id, seconds: 50 });
    while (view.running);
    expect(view).toMatchObject({
      kind: 'campaign',
      status: 'completed',
      billed: { CNY: 3.6 },
      rows: { total: 3, stored: 3, failed: 0, queued: 0 },
    });
    for (const row of campaign.rows) expect(tasksFor(row.prompt)).toHaveLength(1);
    const result = await ok('result', { id: again.id });
    const outputs = result.outputs as { key: string; url: string }[];
    expect(outputs).toHaveLength(3);
    for (const o of outputs) expect(o.url).toMatch(/^(https?|file):/);
    expect((result.manifest as { key: string }).key).toMatch(/report\.jsonl$/);
    // Other rows under the same key: refused, nothing added or paid.
    const conflict = await refused('start', {
      campaign: { ...campaign, rows: [{ prompt: `${tag} other` }] },
      idempotencyKey: key,
      maxCost: 5,
    });
    expect(conflict.type).toBe('IdempotencyConflictError');
    expect(tasksFor(`${tag} other`)).toEqual([]);
    const listed = (await ok('list', { limit: 100 })).runs as { id: string; kind: string }[];
    expect(listed).toContainEqual(expect.objectContaining({ id: again.id, kind: 'campaign' }));
    // A bad row names itself: the second object's prompt.
    const bad = await refused('quote', {
      campaign: { ...campaign, rows: [{ prompt: 'fine' }, { prompt: '' }] },
    });
    expect(JSON.stringify(bad.details?.problems)).toContain('campaign.rows.1');
  }, 180_000);

  it('cancel mid-run says the RUNNING task was kept (paid) and its output is still stored', async () => {
    const prompt = uniqueId('mcp cancel');
    const started = await ok('start', { request: t2v(prompt), idempotencyKey: uniqueId('c'), maxCost: 2 });
    let status: Structured = {};
    for (let i = 0; i < 100 && !(status.taskIds as string[] | undefined)?.length; i++) {
      await new Promise((r) => setTimeout(r, 200));
      status = await ok('status', { id: started.id });
    }
    await new Promise((r) => setTimeout(r, 600)); // past the simulator's 300 ms queue: RUNNING
    const canceled = await ok('cancel', { id: started.id });
    const [taskId] = status.taskIds as string[];
    expect(canceled).toMatchObject({ running: false, keptPaid: [taskId], canceledFree: [] });
    const result = await ok('result', { id: started.id });
    expect(result.outputs).toHaveLength(1);
    expect(tasksFor(prompt)).toHaveLength(1);
  }, 120_000);

  it("cancel of a campaign mid-run: rows not admitted never start, the RUNNING row's task is kept (paid)", async () => {
    const tag = uniqueId('mcp campaign cancel');
    const started = await ok('start', {
      campaign: { ...promptCampaign(tag), window: 1 },
      idempotencyKey: uniqueId('cc'),
      maxCost: 5,
    });
    for (let i = 0; i < 100 && !tasksFor(`${tag} 0`).length; i++)
      await new Promise((r) => setTimeout(r, 200));
    await new Promise((r) => setTimeout(r, 600)); // past the simulator's 300 ms queue: RUNNING
    const canceled = await ok('cancel', { id: started.id });
    const [task] = tasksFor(`${tag} 0`);
    expect(canceled).toMatchObject({
      kind: 'campaign',
      running: false,
      status: 'canceled',
      keptPaid: [task!.taskId],
      canceledFree: [],
      rows: { total: 3, queued: 2, running: 0 },
    });
    expect([...tasksFor(`${tag} 1`), ...tasksFor(`${tag} 2`)]).toEqual([]);
    const result = await ok('result', { id: started.id });
    expect(result.outputs).toHaveLength(1);
  }, 120_000);
});

describe('wanflow mcp when something behind it fails', () => {
  it("answers the agent with the error's type and a correlation ID, never the bucket, path or address; the log has them", async () => {
    // A store whose bucket cannot exist (an invalid name): staging the agent's file fails inside wanflow, not in its request.
    const root = join(servers.dir, 'broken-store-agent');
    mkdirSync(root, { recursive: true });
    copyFileSync(await makeImage(640, 480), join(root, 'frame.png'));
    const broken = new StdioClientTransport({
      command: process.execPath,
      args: [CLI, 'mcp', '--root', root],
      env: Object.fromEntries(
        Object.entries({ ...env, WANFLOW_S3_BUCKET: 'wanflow_private_7f3a' }).filter(
          (e): e is [string, string] => e[1] !== undefined,
        ),
      ),
      stderr: 'pipe',
    });
    let log = '';
    broken.stderr!.on('data', (d: Buffer) => (log += d.toString()));
    const client = new Client({ name: 'wanflow-test-agent', version: '1.0.0' });
    await client.connect(broken);
    try {
      const answer = await client.callTool({
        name: 'quote',
        arguments: { request: i2vOf('frame.png', uniqueId('mcp broken')) },
      });
      expect(answer.isError).toBe(true);
      const text = (answer.content as { text: string }[])[0]!.text;
      const { error } = JSON.parse(text) as { error: { correlationId: string; message: string } };
      expect(error.correlationId).toMatch(/^[0-9a-f-]{36}$/);
      expect(text).not.toMatch(/wanflow_private|127\.0\.0\.1|:\d{4,5}\b|\/tmp\/|broken-store-agent/);
      await expect.poll(() => log).toContain(error.correlationId);
      const line = log.split('\n').find((l) => l.includes(error.correlationId))!;
      expect(line).toMatch(/wanflow_private_7f3a/);
    } finally {
      await client.close();
    }
  }, 60_000);
});

describe('wanflow mcp --http (Streamable HTTP, the official MCP client)', () => {
  const TOKENS = {
    alpha: 'alpha-token-0123456789abcdef',
    beta: 'beta-token-0123456789abcdef0',
    gamma: 'gamma-token-0123456789abcdef',
    delta: 'delta-token-0123456789abcdef',
  };
  let server: ChildProcess;
  let url: string;
  const clients: Client[] = [];

  beforeAll(async () => {
    const agentsFile = join(servers.dir, 'agents.json');
    writeFileSync(
      agentsFile,
      JSON.stringify({
        alpha: { token: TOKENS.alpha, startsPerMinute: 2 },
        beta: { token: TOKENS.beta, dailyBudget: '2.4 CNY' },
        gamma: { token: TOKENS.gamma, dailyBudget: '2.4 CNY' },
        delta: { token: TOKENS.delta },
      }),
    );
    server = spawn(process.execPath, [CLI, 'mcp', '--http', '--port', '0'], {
      env: { ...env, WANFLOW_MCP_AGENTS: agentsFile },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    url = await new Promise<string>((done, fail) => {
      let err = '';
      server.stderr!.on('data', (d: Buffer) => {
        err += d.toString();
        const m = /wanflow mcp on (http:\S+)/.exec(err);
        if (m) done(m[1]!);
      });
      server.once('exit', (code) => fail(new Error(`wanflow mcp --http exited ${code}: ${err}`)));
    });
  }, 60_000);
  afterAll(async () => {
    for (const c of clients) await c.close();
    server?.kill('SIGTERM');
  });

  async function connect(token: string): Promise<Client> {
    const c = new Client({ name: 'wanflow-http-agent', version: '1.0.0' });
    await c.connect(
      new StreamableHTTPClientTransport(new URL(url), {
        requestInit: { headers: { Authorization: `Bearer ${token}` } },
      }),
    );
    clients.push(c);
    return c;
  }
  const raw = (headers: Record<string, string>) =>
    new Promise<number>((done, fail) => {
      const u = new URL(url);
      const req = httpRequest(
        {
          host: u.hostname,
          port: u.port,
          path: u.pathname,
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            accept: 'application/json, text/event-stream',
            ...headers,
          },
        },
        (res) => {
          res.resume();
          done(res.statusCode!);
        },
      );
      req.once('error', fail);
      req.end(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} }));
    });

  it('refuses a session without its token, with a wrong one, and a foreign Host header', async () => {
    expect(await raw({})).toBe(401);
    expect(await raw({ authorization: 'Bearer not-a-known-token-at-all-000' })).toBe(401);
    expect(await raw({ authorization: `Bearer ${TOKENS.alpha}`, host: 'evil.example:80' })).toBe(403);
    await expect(connect('wrong-token-wrong-token-wrong')).rejects.toThrow();
  });

  it("serves each agent its own runs and rate: alpha's starts are alpha.<key>, beta cannot read them", async () => {
    const alpha = await connect(TOKENS.alpha);
    const beta = await connect(TOKENS.beta);
    const { tools } = await alpha.listTools();
    expect(tools.map((t) => t.name)).toContain('start');
    const prompt = uniqueId('mcp http');
    const keys = [uniqueId('h1'), uniqueId('h2'), uniqueId('h3')];
    const start = (key: string, p = prompt) =>
      alpha.callTool({
        name: 'start',
        arguments: { request: t2v(`${p} ${key}`), idempotencyKey: key, maxCost: 2 },
      });
    const first = await start(keys[0]!);
    expect(first.structuredContent).toMatchObject({ id: `alpha.${keys[0]}`, created: true });
    await start(keys[1]!);
    // Two new runs a minute: the third is refused with when to try again; a repeat of a key is not a new run.
    const third = await start(keys[2]!);
    expect(third.isError).toBe(true);
    const error = JSON.parse((third.content as { text: string }[])[0]!.text).error;
    expect(error).toMatchObject({ type: 'AgentRateError', retryable: true });
    expect(error.details.retryAfterSeconds).toBeGreaterThan(0);
    expect((await start(keys[0]!)).structuredContent).toMatchObject({ created: false });
    const foreign = await beta.callTool({ name: 'status', arguments: { id: `alpha.${keys[0]}` } });
    expect(foreign.isError).toBe(true);
    expect(tasksFor(`${prompt} ${keys[2]}`)).toEqual([]);
    await alpha.callTool({ name: 'wait', arguments: { id: `alpha.${keys[0]}`, seconds: 50 } });
    expect(tasksFor(`${prompt} ${keys[0]}`)).toHaveLength(1);
  }, 120_000);

  it("one agent's stored output is never another's input: refused by field before any task; its owner may use it", async () => {
    const delta = await connect(TOKENS.delta);
    const beta = await connect(TOKENS.beta);
    const prompt = uniqueId('mcp owner');
    const started = await delta.callTool({
      name: 'start',
      arguments: { request: t2v(prompt), idempotencyKey: uniqueId('own'), maxCost: 2 },
    });
    const id = (started.structuredContent as { id: string }).id;
    await delta.callTool({ name: 'wait', arguments: { id, seconds: 50 } });
    const result = await delta.callTool({ name: 'result', arguments: { id } });
    const key = (result.structuredContent as { outputs: { key: string }[] }).outputs[0]!.key;
    expect(key).toMatch(new RegExp(`^jobs/${id}/`));
    const edit = (p: string) => ({
      model: 'wan2.7-videoedit',
      input: { prompt: p, media: [{ type: 'video', url: `asset://${key}` }] },
      parameters: { resolution: '720P' },
    });
    for (const [tool, args] of [
      ['quote', { request: edit(`${prompt} beta`) }],
      ['start', { request: edit(`${prompt} beta`), idempotencyKey: uniqueId('steal'), maxCost: 5 }],
    ] as const) {
      const answer = await beta.callTool({ name: tool, arguments: args });
      expect(answer.isError).toBe(true);
      const error = JSON.parse((answer.content as { text: string }[])[0]!.text).error;
      expect(error.details.problems).toEqual([
        expect.objectContaining({
          field: 'request.input.media.0.url',
          message: expect.stringMatching(/is not agent beta's/),
        }),
      ]);
      // Nothing of the video leaks: not its length, not whether it exists.
      expect(JSON.stringify(error)).not.toMatch(/seconds|duration/i);
    }
    expect(tasksFor(`${prompt} beta`)).toEqual([]);
    const own = await delta.callTool({ name: 'quote', arguments: { request: edit(`${prompt} delta`) } });
    expect(own.isError, JSON.stringify(own.content)).toBeFalsy();
  }, 120_000);

  it('holds an agent to its daily budget: four starts at once under a cap for two pay for two; then refused with the figures', async () => {
    const beta = await connect(TOKENS.beta);
    const prompt = uniqueId('mcp budget');
    const quote = (await beta.callTool({ name: 'quote', arguments: { request: t2v(prompt) } }))
      .structuredContent;
    expect(quote).toMatchObject({
      amount: 1.2,
      budget: { cap: 2.4, currency: 'CNY', spent: 0, left: 2.4, fits: true },
    });
    const keys = [0, 1, 2, 3].map((i) => uniqueId(`b${i}`));
    const starts = await Promise.all(
      keys.map((key) =>
        beta.callTool({
          name: 'start',
          arguments: { request: t2v(`${prompt} ${key}`), idempotencyKey: key, maxCost: 2 },
        }),
      ),
    );
    const started = starts.filter((r) => !r.isError).map((r) => (r.structuredContent as { id: string }).id);
    for (const r of starts.filter((r) => r.isError))
      expect(JSON.parse((r.content as { text: string }[])[0]!.text).error.type).toBe('AgentBudgetError');
    const ended = await Promise.all(
      started.map(async (id) => {
        for (;;) {
          const v = (await beta.callTool({ name: 'wait', arguments: { id, seconds: 50 } }))
            .structuredContent as {
            running: boolean;
            status: string;
            failure?: { cause: string; message: string };
          };
          if (!v.running) return v;
        }
      }),
    );
    // The agent's ledger is the one writer: whatever passed the start's own check, two tasks ran.
    expect(keys.flatMap((k) => tasksFor(`${prompt} ${k}`))).toHaveLength(2);
    expect(ended.filter((v) => v.status === 'stored')).toHaveLength(2);
    for (const v of ended.filter((v) => v.status !== 'stored')) {
      expect(v.failure?.cause).toBe('budget_exhausted');
      expect(v.failure?.message).toMatch(/agent beta's daily budget of 2\.4 CNY/);
    }
    const after = (await beta.callTool({ name: 'quote', arguments: { request: t2v(prompt) } }))
      .structuredContent;
    expect(after).toMatchObject({ budget: { spent: 2.4, reserved: 0, left: 0, fits: false } });
    const over = await beta.callTool({
      name: 'start',
      arguments: { request: t2v(prompt), idempotencyKey: uniqueId('b'), maxCost: 2 },
    });
    const error = JSON.parse((over.content as { text: string }[])[0]!.text).error;
    expect(error).toMatchObject({
      type: 'AgentBudgetError',
      details: { cap: 2.4, spent: 2.4, left: 0, estimate: 1.2 },
    });
    expect(error.message).toMatch(/has 0 left .* this run's 1\.2 CNY does not fit/);
    expect(tasksFor(prompt)).toEqual([]);
  }, 180_000);

  it("holds a campaign's rows to the agent's daily budget: one that cannot fit is refused, one capped to fit pays the cap", async () => {
    const gamma = await connect(TOKENS.gamma);
    const tag = uniqueId('mcp agent campaign');
    const campaign = promptCampaign(tag);
    const text = (r: { content: unknown }) => JSON.parse((r.content as { text: string }[])[0]!.text);
    // Three rows at 1.2 CNY: 3.6 does not fit in 2.4.
    const over = await gamma.callTool({
      name: 'start',
      arguments: { campaign, idempotencyKey: uniqueId('g'), maxCost: 5 },
    });
    expect(text(over).error).toMatchObject({
      type: 'AgentBudgetError',
      details: { left: 2.4, estimate: 3.6 },
    });
    // Capped at 2.4, it fits: two rows run, the third is not submitted.
    const capped = { ...campaign, budget: 2.4 };
    const quote = (await gamma.callTool({ name: 'quote', arguments: { campaign: capped } }))
      .structuredContent;
    expect(quote).toMatchObject({ amount: 2.4, budget: { left: 2.4, fits: true } });
    const started = await gamma.callTool({
      name: 'start',
      arguments: {
        campaign: capped,
        idempotencyKey: uniqueId('g'),
        quoteId: (quote as { quoteId: string }).quoteId,
      },
    });
    const id = (started.structuredContent as { id: string }).id;
    let view: { running: boolean; rows?: Record<string, number> };
    do
      view = (await gamma.callTool({ name: 'wait', arguments: { id, seconds: 50 } }))
        .structuredContent as typeof view;
    while (view.running);
    expect(view.rows).toMatchObject({ stored: 2, budgetExhausted: 1 });
    expect(campaign.rows.flatMap((r) => tasksFor(r.prompt))).toHaveLength(2);
    // The rows' jobs reserved and settled in the agent's own ledger: its day is spent.
    const after = (await gamma.callTool({ name: 'quote', arguments: { campaign: capped } }))
      .structuredContent;
    expect(after).toMatchObject({ budget: { spent: 2.4, reserved: 0, left: 0, fits: false } });
  }, 180_000);

  it('serves the same operations as plain JSON, described at /openapi.json', async () => {
    const base = url.replace(/\/mcp$/, '');
    const doc = (await (await fetch(`${base}/openapi.json`)).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths)).toContain('/v1/start');
    const call = (path: string, body?: unknown, token = TOKENS.beta) =>
      fetch(`${base}${path}`, {
        method: body === undefined ? 'GET' : 'POST',
        headers: {
          authorization: `Bearer ${token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    expect((await call('/v1/runs', undefined, 'nobody-nobody-nobody-nobody')).status).toBe(401);
    const prompt = uniqueId('api');
    const quote = (await (await call('/v1/quote', { request: t2v(prompt) })).json()) as { amount: number };
    expect(quote.amount).toBe(1.2);
    const bad = await call('/v1/quote', { request: t2v(prompt, 99) });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toMatch(
      /request\.parameters\.duration/,
    );
    const runs = (await (await call('/v1/runs?limit=100')).json()) as { runs: { id: string }[] };
    expect(runs.runs.every((r) => r.id.startsWith('beta.'))).toBe(true);
    expect(runs.runs.length).toBeGreaterThan(0);
    const foreign = await call(`/v1/runs/${encodeURIComponent(runs.runs[0]!.id)}`, undefined, TOKENS.alpha);
    expect(foreign.status).toBe(400);
  });
});
