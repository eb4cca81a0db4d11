// Each guide's first example runs as written: its first `wanflow …` line is given to a shell, with
// `wanflow` on the PATH as the built CLI and the test stack standing in for `wanflow up`. The campaigns
// guide's example is run the same way in cli-campaign.test.ts; the agents guide's client setup in mcp.test.ts.
import { mkdtempSync, readFileSync, writeFileSync, chmodSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { useJobStack } from '../harness/stack';
import { testEnv } from '../harness/servers';
import type { CliResult } from '../harness/cli';

const ROOT = resolve(__dirname, '../..');
const stack = useJobStack('guides');
beforeEach(() => stack.servers.simulator.reset());

/** The guide's first `wanflow` command (after `wanflow up`, which the test stack stands in for). */
function firstExample(guide: string): string {
  const text = readFileSync(join(ROOT, 'docs', guide), 'utf8');
  const block = /```[a-z]*\n([\s\S]*?)```/.exec(text)![1]!;
  const line = block
    .replace(/\\\n\s*/g, ' ')
    .split('\n')
    .map((l) => l.replace(/\s+#.*$/, '').trim())
    .find((l) => l.startsWith('wanflow ') && !l.startsWith('wanflow up'));
  expect(line, `${guide} shows a wanflow command first`).toBeDefined();
  return line!;
}

/** Runs a command line in a shell from the repository's root, `wanflow` being the built CLI. */
function shell(line: string): Promise<CliResult> {
  const bin = mkdtempSync(join(tmpdir(), 'wanflow-guide-bin-'));
  writeFileSync(
    join(bin, 'wanflow'),
    `#!/bin/sh\nexec "${process.execPath}" "${join(ROOT, 'dist/cli/main.js')}" "$@"\n`,
  );
  chmodSync(join(bin, 'wanflow'), 0o755);
  const env = testEnv(stack.servers, 'guides');
  return new Promise((done, fail) => {
    const child = spawn('sh', ['-c', line], {
      cwd: ROOT,
      env: { ...env, PATH: `${bin}:${env.PATH}` },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('error', fail);
    child.once('close', (code) => done({ code: code ?? -1, stdout, stderr }));
  });
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
