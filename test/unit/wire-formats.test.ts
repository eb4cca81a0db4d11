import { urlExpiresAt } from '../../src/assets/expiry';
import { describe, expect, it } from 'vitest';
import { formatListTime, formatUtc8, parseListTime, parseUtc8 } from '../../src/wan/time';
import { nearestRatio } from '../../src/wan/models';
import { costOf, billedAt, findPrice } from '../../src/wan/pricing';
import { DEFAULT_PRICES } from '../../src/config/prices';
import { listAnswer, queryAnswer, toListItems, toSnapshot } from '../../src/providers/modelstudio/wire';

describe('Model Studio time formats (UTC+8)', () => {
  const at = Date.parse('2026-11-23T10:00:01.250Z');
  it('formats and parses task times', () => {
    expect(formatUtc8(at)).toBe('2026-11-23 18:00:01.250');
    expect(parseUtc8('2026-11-23 18:00:01.250')).toBe(at);
    expect(parseUtc8('2026-11-23T18:00:01')).toBeUndefined();
  });
  it('formats and parses list filter times', () => {
    expect(formatListTime(at)).toBe('20261123180001');
    expect(parseListTime('20261123180001')).toBe(at - 250);
  });
});

describe('nearestRatio', () => {
  it.each([
    [1920, 1080, '16:9'],
    [480, 640, '3:4'],
    [1000, 1000, '1:1'],
    [720, 1280, '9:16'],
    [1600, 1200, '4:3'],
    [3000, 1000, '16:9'],
  ] as const)('%i×%i → %s', (w, h, r) => expect(nearestRatio(w, h)).toBe(r));
});

describe('costs', () => {
  it('estimates from the configured table and bills from usage', () => {
    const price = findPrice(DEFAULT_PRICES, {
      route: 'modelstudio',
      region: 'cn-beijing',
      model: 'wan2.7-i2v',
      resolution: '1080P',
    });
    const estimate = costOf(price, 5);
    expect(estimate).toMatchObject({ amount: 5, currency: 'CNY', unit: 'second', perUnit: 1 });
    expect(billedAt(estimate, 7.5)).toMatchObject({ amount: 7.5, quantity: 7.5 });
    expect(
      findPrice(DEFAULT_PRICES, {
        route: 'modelstudio',
        region: 'us-east-1',
        model: 'wan2.7-i2v',
        resolution: '720P',
      }),
    ).toBeUndefined();
  });
});

describe('query answers', () => {
  it('reads both usage spellings', () => {
    const old = toSnapshot(
      queryAnswer.parse({
        output: { task_id: 't', task_status: 'SUCCEEDED' },
        usage: { video_duration: 5, video_ratio: '16:9' },
      }),
    );
    expect(old.usage).toMatchObject({ duration: 5, ratio: '16:9' });
  });

  it('keeps an undocumented status as unrecognised, never as the terminal UNKNOWN', () => {
    const odd = toSnapshot(queryAnswer.parse({ output: { task_id: 't', task_status: 'SOMETHING_NEW' } }));
    expect(odd).toMatchObject({ status: 'UNRECOGNIZED', rawStatus: 'SOMETHING_NEW' });
    const gone = toSnapshot(queryAnswer.parse({ output: { task_id: 't', task_status: 'UNKNOWN' } }));
    expect(gone.status).toBe('UNKNOWN');
  });
});

describe('list answers', () => {
  it.each([
    [{ data: [{ task_id: 'a' }], total: 1 }, ['a'], 1],
    [{ output: { data: [{ task_id: 'b', task_status: 'ODD' }], total: 3 } }, ['b'], 3],
    [{ tasks: [] }, [], undefined],
  ])('reads %j', (body, ids, total) => {
    const a = listAnswer.parse(body);
    expect(toListItems(a)?.map((t) => t.taskId)).toEqual(ids);
    expect(a.total ?? a.output?.total).toBe(total);
  });

  it('does not read a body of another shape as an empty list', () => {
    expect(toListItems(listAnswer.parse({ result: { items: [{ task_id: 'x' }] } }))).toBeUndefined();
  });
});

describe('urlExpiresAt', () => {
  it.each([
    [
      'https://s3.example/b/k?X-Amz-Date=20261123T100000Z&X-Amz-Expires=600&X-Amz-Signature=x',
      Date.UTC(2026, 10, 23, 10, 10),
    ],
    ['https://oss.example/k.mp4?Expires=1795518460&OSSAccessKeyId=a&Signature=b', 1795518460_000],
    ['https://example.com/plain.png', undefined],
    ['not a url', undefined],
  ])('%s', (url, at) => expect(urlExpiresAt(url)).toBe(at));
});
