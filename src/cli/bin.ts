#!/usr/bin/env node
// The `wanflow` on the PATH: runs the CLI on Node >= 24. A linked `wanflow` starts on whatever `node` the
// shell finds; an older one re-runs the CLI on the Node 24 that `npm run bootstrap` put into the user cache
// (undici 8 and its fix for closed connections need it), or says how to get one. Nothing else here.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { cacheDir, envVar } from '../config/env';

const NODE_VERSION = '24.21.0';

function cachedNode(env: NodeJS.ProcessEnv): string | undefined {
  return [envVar(env, 'WANFLOW_NODE'), join(cacheDir(env), 'node', NODE_VERSION, 'bin', 'node')].find(
    (p): p is string => !!p && existsSync(p),
  );
}

if (Number(process.versions.node.split('.')[0]) >= 24) {
  void import('./main');
} else {
  const node = cachedNode(process.env);
  if (!node) {
    console.error(
      `wanflow: Node ${process.versions.node} is too old (Node 24 or newer is required)\n  remedy: run \`npm run bootstrap\` in the wanflow folder (it fetches Node 24 into the user cache), or set WANFLOW_NODE`,
    );
    process.exit(2);
  }
  const r = spawnSync(node, [join(__dirname, 'main.js'), ...process.argv.slice(2)], { stdio: 'inherit' });
  process.exit(r.status ?? 1);
}
