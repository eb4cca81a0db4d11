// Benchmark: does storing a large video stream keep memory flat? Streams 100 MB (in 1 MB chunks, generated
// on the fly) into the filesystem store and into the S3 store on a real MinIO, and reports peak RSS
// growth as a ratio of the bytes stored. A store that buffered the whole video would show a ratio ≥ 1.
// Run: npm run bench (builds first).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { FileSystemStore } = require('../dist/storage/fs-store.js');
const { S3Store } = require('../dist/storage/s3-store.js');
const { startMinio } = require('../dist/stack/minio.js');
const { freePort } = require('../dist/stack/service.js');

const TOTAL = Number(process.env.BENCH_MB ?? 100) * 1024 * 1024;
const CHUNK = 1024 * 1024;

function source() {
  let sent = 0;
  const chunk = Buffer.alloc(CHUNK, 7);
  return new Readable({
    read() {
      if (sent >= TOTAL) return this.push(null);
      sent += CHUNK;
      this.push(chunk);
    },
  });
}

async function measure(name, store) {
  global.gc?.();
  const base = process.memoryUsage().rss;
  let peak = base;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
  const started = process.hrtime.bigint();
  const asset = await store.put(`bench/${name}.bin`, source(), 'application/octet-stream');
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  clearInterval(timer);
  peak = Math.max(peak, process.memoryUsage().rss);
  if (asset.sizeBytes !== TOTAL)
    throw new Error(`${name}: stored ${asset.sizeBytes} bytes, expected ${TOTAL}`);
  return {
    store: name,
    mb: TOTAL / 2 ** 20,
    peakRssGrowthMb: +((peak - base) / 2 ** 20).toFixed(1),
    growthPerByteStored: +((peak - base) / TOTAL).toFixed(3),
    mbPerSecond: +(TOTAL / 2 ** 20 / seconds).toFixed(0),
  };
}

const dir = mkdtempSync(join(tmpdir(), 'wanflow-bench-'));
const minio = await startMinio({
  dataDir: join(dir, 'minio'),
  port: await freePort(),
  consolePort: await freePort(),
  user: 'bench',
  password: 'bench-secret',
  logDir: dir,
});
try {
  const rows = [
    await measure('fs', new FileSystemStore(join(dir, 'fs'))),
    await measure(
      's3',
      new S3Store({
        endpoint: minio.endpoint,
        bucket: 'bench',
        accessKey: 'bench',
        secretKey: 'bench-secret',
      }),
    ),
  ];
  console.table(rows);
} finally {
  await minio.stop();
  rmSync(dir, { recursive: true, force: true });
}
