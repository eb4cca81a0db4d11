// The workflow code as one prebuilt bundle (dist/worker/workflows-bundle.js), made by `npm run build`
// after tsc. A worker given it starts in milliseconds instead of running webpack for ~2 s of CPU at every
// start (Temporal's advice for production workers); crash tests start dozens of workers.
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode } from '@temporalio/worker';

const dist = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist');
const quiet = { trace() {}, debug() {}, info() {}, log() {}, warn: console.warn, error: console.error };
const { code } = await bundleWorkflowCode({ workflowsPath: join(dist, 'workflows'), logger: quiet });
writeFileSync(join(dist, 'worker', 'workflows-bundle.js'), code);
