// The route table as data: every mode has a name its requests map to, docs/routes.md's capability table is the
// one `wanflow routes` prints, inference.sh's status mapping is configuration that never ends a task on a
// word it does not know, and its apps count against the Model Studio account they run on.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MODES, modeOf } from '../../src/wan/modes';
import { parseWanRequest } from '../../src/wan/validation';
import { WAN_MODELS } from '../../src/wan/models';
import { requestFor } from '../harness/modes';
import { routeRows, routesMarkdown } from '../../src/cli/routes-table';
import { DEFAULT_PRICES } from '../../src/config/prices';
import {
  inferenceStatuses,
  statusOf,
  DEFAULT_INFERENCE_STATUSES,
} from '../../src/providers/inference/statuses';
import { inferenceEndpoint } from '../../src/config/endpoints';
import { loadConfig } from '../../src/config/config';
import { ConfigError } from '../../src/config/errors';
import { slotResolver, spendLedgerPrefix } from '../../src/worker/worker';
import { wanflow } from '../harness/cli';

const URLS = {
  image: 'https://example.com/a.png',
  image2: 'https://example.com/b.png',
  clip: 'https://example.com/c.mp4',
  audio: 'https://example.com/v.wav',
};

describe('modes', () => {
  it('every mode of every model is what a valid request of that mode maps to', () => {
    for (const model of WAN_MODELS)
      for (const mode of MODES[model])
        expect(modeOf(parseWanRequest(requestFor(model, mode, URLS))), `${model} ${mode}`).toBe(mode);
  });
});

describe('the capability table', () => {
  const cells = (table: string) =>
    table
      .trim()
      .split('\n')
      .filter((l) => !/^\|[\s|:-]+\|$/.test(l))
      .map((l) => l.split('|').map((c) => c.trim()));

  it("is the routes guide's, as `wanflow routes` prints it", async () => {
    const readme = readFileSync(join(__dirname, '../../docs/routes.md'), 'utf8');
    const begin = readme.indexOf('<!-- routes:begin -->');
    const end = readme.indexOf('<!-- routes:end -->');
    expect(begin, 'docs/routes.md marks its routes table').toBeGreaterThan(0);
    const inReadme = readme.slice(begin + '<!-- routes:begin -->'.length, end);
    const generated = routesMarkdown(routeRows(DEFAULT_PRICES, 'cn-beijing'), 'cn-beijing');
    expect(cells(inReadme), 'docs/routes.md is behind: npm run readme:routes').toEqual(cells(generated));
    const printed = await wanflow(['routes', '--region', 'cn-beijing'], { PATH: process.env.PATH });
    expect(printed).toMatchObject({ code: 0, stderr: '' });
    expect(cells(printed.stdout)).toEqual(cells(generated));
  });

  it('prices each row from the price table, or says none is known', () => {
    const rows = routeRows(DEFAULT_PRICES, 'cn-beijing');
    const row = (route: string, model: string) => rows.find((r) => r.route === route && r.model === model);
    expect(row('fal', 'wan2.7-r2v')?.price).toBe('0.1 / 0.1 USD per second (720P / 1080P)');
    expect(row('fal', 'wan2.7-image-pro')?.price).toBe('0.075 USD per image');
    // inference.sh bills the user's Model Studio account in Singapore, whatever region the table shows.
    expect(row('inference', 'wan2.7-i2v')?.price).toBe(
      '0.733924 / 1.100886 unstated per second (720P / 1080P)',
    );
    expect(row('modelstudio', 'wan2.7-image')?.price).toBeUndefined();
    // Wan 3.0: its three resolutions, and marked preview (its API reference is).
    expect(row('modelstudio', 'wan3.0-video-prime')).toMatchObject({
      price: '0.45 / 0.9 / 1.8 CNY per second (480P / 720P / 1080P)',
      preview: true,
    });
    expect(row('modelstudio', 'wan2.7-t2v')?.preview).toBe(false);
    expect(row('fal', 'wan3.0-video')).toBeUndefined();
    expect(routeRows([], 'cn-beijing').every((r) => r.price === undefined)).toBe(true);
  });
});

describe("inference.sh's statuses", () => {
  it('maps its current numbers and names, and never ends a task on one it does not know', () => {
    const map = DEFAULT_INFERENCE_STATUSES;
    expect([1, 7, 8, 9, 10, 11, 12].map((s) => statusOf(map, s))).toEqual([
      'PENDING',
      'RUNNING',
      'RUNNING',
      'RUNNING',
      'SUCCEEDED',
      'FAILED',
      'CANCELED',
    ]);
    expect(statusOf(map, 'Completed')).toBe('SUCCEEDED');
    expect([0, 13, 'paused', ''].map((s) => statusOf(map, s))).toEqual(Array(4).fill('UNRECOGNIZED'));
  });

  it('takes the older numbering from INFERENCE_STATUSES, and names the variable when it is wrong', () => {
    const config = loadConfig({});
    const env = { INFERENCE_STATUSES: '{"9":"SUCCEEDED","10":"FAILED","11":"CANCELED","12":"RUNNING"}' };
    const older = inferenceStatuses(inferenceEndpoint(config, env).statuses);
    expect([9, 10, 11, 12].map((s) => statusOf(older, s))).toEqual([
      'SUCCEEDED',
      'FAILED',
      'CANCELED',
      'RUNNING',
    ]);
    for (const bad of ['{"10":"DONE"}', 'not json', '{"1 0":"FAILED"}']) {
      const err = (() => {
        try {
          return inferenceEndpoint(config, { INFERENCE_STATUSES: bad });
        } catch (e) {
          return e;
        }
      })();
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as Error).message).toMatch(/INFERENCE_STATUSES/);
    }
  });
});

describe("inference.sh's apps run on the user's Model Studio key", () => {
  it('count against the Singapore Model Studio account: its slots and its daily ledger', () => {
    const env = {
      WANFLOW_LIVE: 'true',
      INFERENCE_API_KEY: 'inf_a-key',
      DASHSCOPE_API_KEY_AP_SOUTHEAST_1: 'sk-singapore',
      DASHSCOPE_WORKSPACE_ID: 'ws',
    };
    const config = loadConfig(env);
    const slots = slotResolver(config, env)!;
    const direct = slots('modelstudio', 'ap-southeast-1', 'wan2.7-t2v')!.id;
    expect(slots('inference', 'ap-southeast-1', 'wan2.7-t2v')!.id).toBe(direct);
    expect(spendLedgerPrefix(config, env, 'inference', 'ap-southeast-1')).toBe(
      spendLedgerPrefix(config, env, 'modelstudio', 'ap-southeast-1'),
    );
    // Without that key configured, inference.sh's tasks are held to an account of their own.
    const alone = { WANFLOW_LIVE: 'true', INFERENCE_API_KEY: 'inf_a-key' };
    const own = slotResolver(loadConfig(alone), alone)!('inference', 'ap-southeast-1', 'wan2.7-t2v')!.id;
    expect(own).toMatch(/^wanflow-slots\/inference\/ap-southeast-1\/[0-9a-f]{12}\/wan2\.7-t2v$/);
  });
});
