// wanflow's MCP tools over Streamable HTTP (POST /mcp), and the same operations as plain JSON (/v1/…,
// /openapi.json), on hono and the MCP SDK's own adapter: every request
// carries an agent's bearer token (unknown or missing: 401 before any tool runs; the body the SDK's app
// reads first is capped), and by default the server binds loopback and refuses other Host and Origin
// headers (DNS rebinding), as the SDK's app does.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { createMcpHonoApp } from '@modelcontextprotocol/hono';
import { createMcpHandler, type McpServerFactory } from '@modelcontextprotocol/server';
import type { Hono } from 'hono';
import type { AgentDirectory } from '../agents/directory';
import { agentApi, openApiDocument, type AgentVariables } from '../api/routes';

export interface McpHttpOptions {
  host: string;
  port: number;
  /** Host names clients may address the server by, beyond loopback (a server behind a proxy). */
  allowedHosts?: string[];
  /** Agent name by bearer token. */
  tokens: Map<string, string>;
  factory: McpServerFactory;
  /** The same operations as plain HTTP (`/v1/…`, described at `/openapi.json`). */
  agents: AgentDirectory;
  version: string;
}

export interface McpHttpServer {
  url: string;
  close(): Promise<void>;
}

/** Tokens by their digest: comparing digests in constant time leaks neither a token nor its length. */
export function tokenTable(agents: Record<string, { token?: string }>): Map<string, string> {
  return new Map(
    Object.entries(agents).flatMap(([name, a]) => (a.token ? [[digest(a.token), name] as const] : [])),
  );
}

export async function serveMcpHttp(o: McpHttpOptions): Promise<McpHttpServer> {
  const app = createMcpHonoApp({
    host: o.host,
    ...(o.allowedHosts?.length ? { allowedHosts: o.allowedHosts } : {}),
  }) as unknown as Hono<AgentVariables>;
  const handler = createMcpHandler(o.factory);
  const api = agentApi(o.agents);
  const document = openApiDocument(api, o.version);
  app.get('/openapi.json', (c) => c.json(document));
  // Every other route is an agent's: its token names it, or nothing runs.
  app.use('*', async (c, next) => {
    const agent = agentOf(c.req.header('authorization'), o.tokens);
    if (!agent)
      return c.json(
        {
          error: 'unauthorized',
          remedy: "Send the agent's token: Authorization: Bearer <token> (WANFLOW_MCP_AGENTS).",
        },
        401,
        { 'WWW-Authenticate': 'Bearer realm="wanflow"' },
      );
    c.set('agent', agent);
    await next();
  });
  app.all('/mcp', async (c) =>
    handler.fetch(c.req.raw, {
      authInfo: { token: c.get('agent'), clientId: c.get('agent'), scopes: [] },
      // The SDK's app has already read the JSON body (its size capped) into the context.
      parsedBody: (c as unknown as { get(key: 'parsedBody'): unknown }).get('parsedBody'),
    }),
  );
  app.route('/', api);
  const server = await new Promise<ReturnType<typeof serve>>((done) => {
    const s = serve({ fetch: app.fetch, port: o.port, hostname: o.host }, () => done(s));
  });
  const { port } = server.address() as AddressInfo;
  const shown = o.host.includes(':') ? `[${o.host}]` : o.host;
  return {
    url: `http://${shown}:${port}/mcp`,
    close: async () => {
      await handler.close();
      await new Promise<void>((done) => server.close(() => done()));
    },
  };
}

function agentOf(header: string | undefined, tokens: Map<string, string>): string | undefined {
  const token = /^Bearer\s+(\S+)$/i.exec(header ?? '')?.[1];
  if (!token) return undefined;
  const d = digest(token);
  for (const [known, agent] of tokens)
    if (timingSafeEqual(Buffer.from(known, 'hex'), Buffer.from(d, 'hex'))) return agent;
  return undefined;
}

function digest(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
