// `wanflow mcp`: wanflow's tools for AI agents over MCP — on standard input and output (an MCP client starts
// it as a subprocess: one agent, WANFLOW_MCP_AGENT), or over Streamable HTTP (--http: every agent in
// WANFLOW_MCP_AGENTS by its bearer token). Standard output carries the protocol only; notices go to stderr.
import { Command } from 'commander';
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { serveStdio } from '@modelcontextprotocol/server/stdio';
import type { McpServerFactory } from '@modelcontextprotocol/server';
import { AgentDirectory } from '../../agents/directory';
import { connectClient } from '../../client/jobs';
import { serveMcpHttp, tokenTable } from '../../mcp/http';
import { buildMcpServer } from '../../mcp/tools';
import { EXIT } from '../../shared/errors';
import { createStore } from '../../storage';
import { action, type CommandContext } from '../context';
import { UsageError } from '../errors';
import { wholeNumberIn } from '../flags';
import { untilSignal } from '../signals';
import { VERSION } from '../version';

interface McpOptions {
  root?: string;
  quoteTtl: number;
  http?: boolean;
  host: string;
  port: number;
  allowedHost: string[];
}

export function mcpCommand(ctx: CommandContext): Command {
  return new Command('mcp')
    .description(
      "serve wanflow's tools to AI agents over MCP: quote, start, status, wait, cancel, result, list (stdio; --http)",
    )
    .option(
      '--root <folder>',
      'local files named in requests are read only inside this folder (default: here)',
    )
    .option('--quote-ttl <seconds>', 'how long a quote is honoured', wholeNumberIn(10, 86_400), 900)
    .option(
      '--http',
      'serve Streamable HTTP at /mcp instead of stdio: agents by bearer token (WANFLOW_MCP_AGENTS)',
    )
    .option('--host <address>', 'HTTP listen address', '127.0.0.1')
    .option('--port <port>', 'HTTP listen port (0: any free one)', wholeNumberIn(0, 65535), 8093)
    .option(
      '--allowed-host <name>',
      'a Host name clients may use besides loopback (repeatable; behind a proxy)',
      (v: string, all: string[]) => [...all, v],
      [],
    )
    .action(
      action(ctx, async (opts: McpOptions) => {
        const config = ctx.config();
        const tokens = tokenTable(config.mcpAgents ?? {});
        if (opts.http && tokens.size === 0)
          throw new UsageError(
            'wanflow mcp --http serves agents by their tokens, and no agent has one',
            'Name a JSON file of agents in WANFLOW_MCP_AGENTS: {"<name>": {"token": "<24+ characters>"}}.',
          );
        const client = await connectClient(config);
        const agents = new AgentDirectory({
          client,
          config,
          store: createStore(config.storage),
          root: resolve(opts.root ?? process.cwd()),
          secret: config.mcpSecret ?? randomBytes(32).toString('hex'),
          quoteTtlMs: opts.quoteTtl * 1000,
        });
        // Over stdio the session is the configured agent's; over HTTP, the agent its token names.
        const factory: McpServerFactory = (session) =>
          buildMcpServer(agents.get(session.authInfo?.clientId ?? config.mcpAgent), VERSION);
        let served: { close(): Promise<void> };
        if (opts.http) {
          const http = await serveMcpHttp({
            host: opts.host,
            port: opts.port,
            allowedHosts: opts.allowedHost,
            tokens,
            factory,
            agents,
            version: VERSION,
          });
          ctx.io.err(`wanflow mcp on ${http.url} for ${[...new Set(tokens.values())].join(', ')}`);
          served = http;
        } else {
          served = serveStdio(factory);
          ctx.io.err(`wanflow mcp: agent ${config.mcpAgent} on stdio`);
        }
        await Promise.race([untilSignal(), ...(opts.http ? [] : [stdinClosed()])]);
        await served.close();
        await client.connection.close();
        return EXIT.ok;
      }),
    );
}

/** The client closing our standard input ends the session. */
function stdinClosed(): Promise<void> {
  return new Promise((done) => process.stdin.once('end', done).once('close', done));
}
