// The command line itself, as a newcomer and a script meet it, through the built `wanflow` (no servers:
// everything here is refused or answered before anything is started): generated help for every command,
// --version, typed flags whose errors name the flag, --json errors as JSON, and the exit codes.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { wanflow } from '../harness/cli';
import { wanflowProgram } from '../../src/cli/program';
import { commandContext } from '../../src/cli/context';
import { EXIT_HELP } from '../../src/cli/exit-codes';
import { EXIT } from '../../src/shared/errors';

// Nothing here may reach a server: Temporal at a closed port, the simulator nowhere.
const env = { PATH: process.env.PATH, HOME: process.env.HOME, TEMPORAL_ADDRESS: '127.0.0.1:9' };
const program = wanflowProgram(commandContext({ out: () => {}, err: () => {}, stdin: async () => '' }, env));

describe('wanflow help', () => {
  it.each(program.commands.map((c) => [c.name(), c] as const))(
    '`wanflow %s --help` is generated from its definition',
    async (name, command) => {
      const help = await wanflow([name, '--help'], env);
      expect(help.code, help.stderr).toBe(0);
      expect(help.stdout).toContain(`Usage: wanflow ${name}`);
      for (const option of command.options) expect(help.stdout).toContain(option.long!);
      for (const argument of command.registeredArguments) expect(help.stdout).toContain(argument.name());
      // `wanflow help <command>` says the same.
      expect((await wanflow(['help', name], env)).stdout).toBe(help.stdout);
    },
  );

  it('the top-level help lists every command and every exit code; --version prints the package version', async () => {
    const help = await wanflow(['--help'], env);
    expect(help.code).toBe(0);
    for (const c of program.commands) expect(help.stdout).toMatch(new RegExp(`^  ${c.name()}\\b`, 'm'));
    for (const code of Object.values(EXIT)) expect(EXIT_HELP).toMatch(new RegExp(`\\b${code} \\w`));
    const version = JSON.parse(readFileSync(resolve(__dirname, '../../package.json'), 'utf8')).version;
    expect(await wanflow(['--version'], env)).toMatchObject({ code: 0, stdout: `${version}\n` });
    expect((await wanflow([], env)).stdout).toBe(help.stdout);
  });
});

describe('flags are typed and checked as they are read: the error names the flag, exit 2', () => {
  it.each([
    [
      ['run', '--prompt', 'p', '--duration', '5.5'],
      /option '--duration <seconds>' argument '5\.5' is invalid\. must be a whole number/,
    ],
    [['run', '--prompt', 'p', '--seed', '12abc'], /option '--seed <n>' argument '12abc' is invalid/],
    [['run', '--model', 'image', '--n', 'two'], /option '--n <count>' argument 'two' is invalid/],
    [
      ['run', '--route', 'elsewhere'],
      /option '--route <route>' argument 'elsewhere' is invalid\. Allowed choices are modelstudio, fal, eachlabs/,
    ],
    [['run', '--region', 'mars-1'], /option '--region <region>' argument 'mars-1' is invalid/],
    [['run', '--prompt', ''], /--prompt: is empty; leave the flag out for the default/],
    [
      ['run', '--label', 'nolabel'],
      /option '--label <key=value>' argument 'nolabel' is invalid\. expected key=value/,
    ],
    [['list', '--limit', '0'], /option '--limit <n>' argument '0' is invalid\. must be 1 to 10000/],
    [
      ['result', 'x', '--expires-in', '999999999'],
      /option '--expires-in <seconds>' argument '999999999' is invalid\. must be 1 to 604800/,
    ],
    [['webhooks', '--port', '70000'], /option '--port <port>' argument '70000' is invalid/],
    [['simulator', '--fault', 'earthquake=1'], /--fault: unknown fault; known: createRateLimited/],
    [['simulator', '--key', 'k=mars-1'], /option '--key <KEY=REGION>' argument 'k=mars-1' is invalid/],
    [['status'], /missing required argument 'id'/],
    [['status', 'a', 'b'], /too many arguments for 'status'/],
    [['frobnicate'], /unknown command 'frobnicate'/],
    [['run', '--promt', 'p'], /unknown option '--promt'\n\(Did you mean --prompt\?\)/],
  ])('wanflow %j', async (args, message) => {
    const r = await wanflow(args, env);
    expect(r.code, r.stderr).toBe(EXIT.usage);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).toMatch(/remedy: /);
  });

  it('a bad spec on standard input is refused naming it', async () => {
    const r = await wanflow(['run', '-'], env, 'stages: [\n');
    expect(r).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/spec: is not valid YAML or JSON.*"standard input"/),
    });
  });

  it('demo runs a shipped example by name, and refuses another naming the ones there are', async () => {
    const r = await wanflow(['demo', '--example', 'nope'], env);
    expect(r).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(
        /--example: is not a shipped example: teaser, wan30-story \(got "nope"\)/,
      ),
    });
  });

  it('a bad variable is refused naming it (a secret never shown)', async () => {
    const live = await wanflow(['list'], { ...env, WANFLOW_LIVE: 'maybe' });
    expect(live).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/WANFLOW_LIVE="maybe": Invalid option/),
    });
    const secret = await wanflow(['list'], { ...env, WANFLOW_WEBHOOK_SECRET: 'short' });
    expect(secret).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/WANFLOW_WEBHOOK_SECRET=\(hidden\)/),
    });
    expect(secret.stderr).not.toContain('short');
  });
});

describe('--json errors are JSON on stdout', () => {
  it.each([
    [['run', '--duration', 'x', '--json'], 'UsageError', EXIT.usage],
    [['run', '--prompt', '', '--json'], 'InvalidRequestError', EXIT.usage],
    [['status', 'some-run', '--json'], 'TemporalUnreachableError', EXIT.unreachable],
  ])('wanflow %j', async (args, type, exitCode) => {
    const r = await wanflow(args, env);
    expect(r.code).toBe(exitCode);
    const { error } = JSON.parse(r.stdout) as { error: Record<string, unknown> };
    expect(error).toMatchObject({ type, exitCode, remedy: expect.any(String), message: expect.any(String) });
    expect(r.stdout).not.toMatch(/\n\s+at /); // never a stack
  });

  it('a field problem travels with its field, value and message', async () => {
    const r = await wanflow(['run', '--prompt', 'p', '--negative-prompt', '', '--json'], env);
    expect(JSON.parse(r.stdout)).toMatchObject({
      error: {
        details: {
          problems: [{ field: '--negative-prompt', value: '', message: expect.stringMatching(/empty/) }],
        },
      },
    });
  });
});

describe('a worker that cannot reach Temporal', () => {
  it('waits for it, then after its give-up exits 7 with the address and the remedy, not a transport dump alone', async () => {
    const started = Date.now();
    const r = await wanflow(['worker'], { ...env, WANFLOW_CONNECT_GIVE_UP: '3' });
    expect(r.code).toBe(EXIT.unreachable);
    expect(r.stderr).toMatch(/waiting for Temporal at 127\.0\.0\.1:9 \(0 s so far, gives up after 3 s\)/);
    expect(r.stderr).toMatch(/cannot reach Temporal at 127\.0\.0\.1:9 \(waited 3 s\)/);
    expect(r.stderr).toMatch(/remedy: Start one/);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
  });
});
