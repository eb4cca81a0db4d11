// Each guide's first example runs as written: its first `wanflow …` line is given to a shell, with
// `wanflow` on the PATH as the built CLI and the test stack standing in for `wanflow up`. The campaigns
// guide's example is run the same way in cli-campaign.test.ts; the agents guide's client configuration starts
// the server mcp.test.ts talks to. The deploying guide's `npm run cluster` runs here too, and what it prints
// is pasted into another shell, as the guide says.
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { useJobStack } from '../harness/stack';
import { testEnv } from '../harness/servers';
import { shell as shellIn } from '../harness/cli';

const ROOT = resolve(__dirname, '../..');
const stack = useJobStack('guides');
beforeEach(() => stack.servers.simulator.reset());

const shell = (line: string) => shellIn(line, testEnv(stack.servers, 'guides'), ROOT);

/** The guide's first `wanflow` command (after `wanflow up`, which the test stack stands in for). */
function firstExample(guide: string): string {
  const line = commandLines(guide).find((l) => l.startsWith('wanflow ') && !l.startsWith('wanflow up'));
  expect(line, `${guide} shows a wanflow command first`).toBeDefined();
  return line!;
}

/** The command lines of the guide's first code block, continuations joined and comments dropped. */
function commandLines(guide: string): string[] {
  const text = readFileSync(join(ROOT, 'docs', guide), 'utf8');
  const block = /```[a-z]*\n([\s\S]*?)```/.exec(text)![1]!;
  return block
    .replace(/\\\n\s*/g, ' ')
    .split('\n')
    .map((l) => l.replace(/\s+#.*$/, '').trim())
    .filter(Boolean);
}

describe("the guides' first examples, as written", () => {
  it('jobs: a text-to-video job runs to a stored clip', async () => {
    const line = firstExample('jobs.md');
    expect(line).toMatch(/^wanflow run --prompt /);
    const r = await shell(line);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/stored/);
    expect(stack.servers.simulator.stats().tasksCreated).toBe(1);
  });

  it('pipelines: the teaser pipeline stores every stage', async () => {
    const line = firstExample('pipelines.md');
    expect(line).toMatch(/^wanflow run examples\/teaser\.yaml /);
    const r = await shell(line);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/stored/);
    const stages = (readFileSync(join(ROOT, 'examples/teaser.yaml'), 'utf8').match(/^\s+- id: /gm) ?? [])
      .length;
    expect(stages).toBeGreaterThan(1);
    expect(stack.servers.simulator.stats().tasksCreated).toBe(stages);
  });

  it("limits: the day's spend of the account", async () => {
    const line = firstExample('limits.md');
    expect(line).toMatch(/^wanflow spend/);
    const r = await shell(line);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/spent [\d.]+ CNY/);
  });
});

describe('deploying: `npm run cluster`, then what it prints, pasted in another shell', () => {
  it('the cluster prints its exports and a campaign command; pasted, every row is stored; Ctrl-C stops it all', async () => {
    expect(commandLines('deploying.md')[0]).toBe('npm run cluster');
    // `npm test` has already bootstrapped the cluster's tools and built: the script's last step is left.
    const steps = (
      JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as PackageJson
    ).scripts.cluster.split(' && ');
    expect(steps.slice(0, -1)).toEqual(['npm run --silent bootstrap -- --cluster', 'npm run --silent build']);
    // State in a folder of its own (default .wanflow/cluster in the checkout), as open as a checkout's.
    const data = mkdtempSync(join(tmpdir(), 'wanflow-deploying-'));
    chmodSync(data, 0o755);
    const [command, ...args] = steps.at(-1)!.split(' ');
    const cluster = spawn(command!, args, {
      cwd: ROOT,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, WANFLOW_DATA_DIR: data },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true, // its own process group, as a terminal's foreground job: Ctrl-C signals all of it
    });
    let printed = '';
    let errors = '';
    cluster.stdout.on('data', (d: Buffer) => (printed += d.toString()));
    cluster.stderr.on('data', (d: Buffer) => (errors += d.toString()));
    const exited = new Promise<number | null>((r) => cluster.once('exit', (code) => r(code)));
    try {
      const deadline = Date.now() + 240_000;
      while (!/^wanflow .*$/m.test(printed)) {
        if (Date.now() > deadline || cluster.exitCode !== null)
          throw new Error(`no cluster: ${printed}${errors}`);
        await new Promise((r) => setTimeout(r, 250));
      }
      const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME };
      for (const [, name, value] of printed.matchAll(/^export (\w+)=(.*)$/gm)) env[name!] = value;
      expect(env).toHaveProperty('TEMPORAL_ADDRESS');
      const command = /^wanflow .*$/m.exec(printed)![0];
      const r = await shellIn(command, env, ROOT);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/6 stored/);

      signalGroup(cluster.pid!, 'SIGINT');
      expect(await exited, errors).toBe(0);
      // Everything it started is gone: nothing answers on the ports it printed.
      for (const address of [env.TEMPORAL_ADDRESS!, new URL(env.WANFLOW_S3_ENDPOINT!).host])
        expect(await answers(address), address).toBe(false);
    } finally {
      signalGroup(cluster.pid!, 'SIGKILL');
    }
  }, 360_000);
});

interface PackageJson {
  scripts: { cluster: string };
}

/** Signals every process of a group still there. */
function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ESRCH') throw e;
  }
}

/** Whether something accepts a TCP connection at host:port. */
function answers(address: string): Promise<boolean> {
  const [host, port] = [
    address.slice(0, address.lastIndexOf(':')),
    Number(address.slice(address.lastIndexOf(':') + 1)),
  ];
  return new Promise((resolve) => {
    const socket = connect(port, host, () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
