// A campaign's rows, template, keys and plan — everything decided before a row is paid — on CSV and
// JSONL files as users write them (quoted newlines, a BOM, typed cells), with the estimate and makespan
// checked against figures worked out by hand.
import { describe, expect, it } from 'vitest';
import { parseRows } from '../../src/campaigns/rows';
import { expandTemplate, templateVariables } from '../../src/campaigns/template';
import { contentKey, keyRows } from '../../src/campaigns/keys';
import { planCampaign, type PlanOptions } from '../../src/campaigns/plan';
import { DEFAULT_PRICES } from '../../src/config/prices';
import { DEFAULT_ACCOUNT_LIMITS } from '../../src/config/account-limits';
import { InvalidRequestError, type FieldProblem } from '../../src/wan/validation';

const problemsOf = (fn: () => unknown): FieldProblem[] => {
  try {
    fn();
  } catch (err) {
    if (err instanceof InvalidRequestError) return err.problems;
    throw err;
  }
  throw new Error('expected a refusal');
};

const T2V = {
  model: 'wan2.7-t2v',
  input: { prompt: 'a {{color}} paper boat, {{mood}}' },
  parameters: { resolution: '720P', duration: '{{seconds:integer}}' },
};
const options: PlanOptions = {
  route: 'modelstudio',
  region: 'cn-beijing',
  prices: DEFAULT_PRICES,
  limits: DEFAULT_ACCOUNT_LIMITS,
};

describe('rows', () => {
  it('CSV: a BOM, trimmed headers, a quoted newline; each row keeps the line it starts on', () => {
    const rows = parseRows('\uFEFFcolor , mood,seconds\nred,calm,5\n"blue","stormy\nand dark",10\n', 'csv');
    expect(rows.columns).toEqual(['color', 'mood', 'seconds']);
    expect(rows.rows.map((r) => r.values.mood)).toEqual(['calm', 'stormy\nand dark']);
    expect(rows.rows[0]!.line).toBe(2);
  });

  it('refused with the line: bad CSV, unnamed or repeated columns, a JSONL line that is not an object', () => {
    expect(problemsOf(() => parseRows('a,b\n1,2,3\n', 'csv'))[0]!.message).toMatch(/not valid CSV/);
    expect(problemsOf(() => parseRows('a,a\n1,2\n', 'csv'))[0]).toMatchObject({ field: 'rows[line 1]' });
    expect(problemsOf(() => parseRows('{"a":1}\n[1]\n{oops\n', 'jsonl'))).toMatchObject([
      { field: 'rows[line 2]', message: 'must be a JSON object' },
      { field: 'rows[line 3]', message: expect.stringMatching(/not JSON/) },
    ]);
    expect(problemsOf(() => parseRows('\n\n', 'jsonl'))[0]!.message).toBe('has no rows');
  });
});

describe('template', () => {
  it('fills whole values typed, text inline, and names every column it uses', () => {
    expect(templateVariables(T2V).sort()).toEqual(['color', 'mood', 'seconds']);
    const { value, problems } = expandTemplate(T2V, { color: 'red', mood: 'calm', seconds: '5' });
    expect(problems).toEqual([]);
    expect(value).toEqual({
      model: 'wan2.7-t2v',
      input: { prompt: 'a red paper boat, calm' },
      parameters: { resolution: '720P', duration: 5 },
    });
  });

  it('an empty cell or a cell of the wrong type is a problem at its field, never a default', () => {
    const { problems } = expandTemplate(T2V, { color: '', mood: 'calm', seconds: 'five' });
    expect(problems).toEqual([
      { path: 'input.prompt', value: 'color', message: 'column "color" is empty in this row' },
      { path: 'parameters.duration', value: 'five', message: 'is not a whole number' },
    ]);
  });
});

describe('keys', () => {
  const rows = parseRows('color,mood,seconds\nred,calm,5\nblue,calm,5\nred,calm,5\n', 'csv').rows;

  it('a content key is stable, identical rows run once, and appending rows keeps the earlier keys', () => {
    const keyed = keyRows(rows);
    expect(keyed.rows).toHaveLength(2);
    expect(keyed.duplicates).toEqual([{ line: 4, sameAs: 2 }]);
    expect(keyed.rows[0]!.key).toBe(contentKey({ seconds: '5', mood: 'calm', color: 'red' }));
    const appended = keyRows([...rows, { line: 5, values: { color: 'green', mood: 'calm', seconds: '5' } }]);
    expect(appended.rows.slice(0, 2).map((r) => r.key)).toEqual(keyed.rows.map((r) => r.key));
  });

  it('a key column must hold valid, unique run IDs', () => {
    const withIds = parseRows('id,color\nsku-1,red\nsku-1,blue\nbad/id,green\n', 'csv').rows;
    expect(keyRows(withIds, 'id').problems).toMatchObject([
      { field: 'rows[line 3].id', value: 'sku-1', message: 'is also the key of line 2, whose values differ' },
      { field: 'rows[line 4].id', value: 'bad/id' },
    ]);
  });
});

describe('plan', () => {
  it('a job template: every row validated, the exact estimate, the makespan under the account limit', () => {
    const rows = parseRows('color,mood,seconds\nred,calm,5\nblue,calm,10\ngreen,calm,15\n', 'csv');
    const plan = planCampaign({ kind: 'job', body: T2V }, rows, options);
    expect(plan.rows.map((r) => r.key)).toHaveLength(3);
    // Beijing 720P: ¥0.6 per second of output; 5 + 10 + 15 s.
    expect(plan.estimate).toEqual({ CNY: 18 });
    expect(plan.unpriced).toBe(0);
    // 45 s + 12 s per output second each; t2v runs 2 at a time by default: (105 + 165 + 225) / 2.
    expect(plan.makespanSeconds).toBe(248);
  });

  it('Wan 3.0 rows: priced per tier and resolution, under the account limits configured for it (none are published)', () => {
    const rows = parseRows(
      'tier,res,seconds\nwan3.0-video,480P,10\nwan3.0-video-prime,720P,20\nwan3.0-video,1080P,-1\n',
      'csv',
    );
    const template = {
      kind: 'job' as const,
      body: {
        model: '{{tier}}',
        input: { prompt: 'a paper boat' },
        parameters: { resolution: '{{res}}', duration: '{{seconds:integer}}' },
      },
    };
    // ¥0.3 × 10 + ¥0.9 × 20 + ¥1.2 × 30 (-1: the most the model may choose).
    const strict = planCampaign(template, rows, options);
    expect(strict.estimate).toEqual({ CNY: 57 });
    // Unconfigured, each Wan 3.0 model runs one task at a time: 45 + 12·0.66·10 = 124.2 s, alone.
    const alone = planCampaign(template, rows, { ...options, limits: {} });
    const configured = planCampaign(template, rows, {
      ...options,
      limits: { 'wan3.0-video': { concurrentTasks: 2 }, 'wan3.0-video-prime': { concurrentTasks: 2 } },
    });
    expect(configured.makespanSeconds).toBeLessThan(alone.makespanSeconds);
    // wan3.0-video: 124.2 + (45 + 12·1.5·30 = 585) s; one at a time vs two.
    expect(alone.makespanSeconds).toBe(709);
    expect(configured.makespanSeconds).toBe(355);
  });

  it('bad rows are refused together, each naming its line and field, before anything is started', () => {
    const rows = parseRows('color,mood,seconds\nred,calm,5\nblue,,99\n', 'csv');
    expect(problemsOf(() => planCampaign({ kind: 'job', body: T2V }, rows, options))).toEqual([
      { field: 'rows[line 3].input.prompt', value: 'mood', message: 'column "mood" is empty in this row' },
    ]);
    const tooLong = parseRows('color,mood,seconds\nred,calm,5\nblue,calm,99\n', 'csv');
    expect(problemsOf(() => planCampaign({ kind: 'job', body: T2V }, tooLong, options))[0]).toMatchObject({
      field: 'rows[line 3].parameters.duration',
      value: 99,
    });
    const unknownColumn = parseRows('colour,mood,seconds\nred,calm,5\n', 'csv');
    expect(
      problemsOf(() => planCampaign({ kind: 'job', body: T2V }, unknownColumn, options))[0],
    ).toMatchObject({
      field: 'template',
      value: '{{color}}',
    });
  });

  it('JSONL of whole requests, and a pipeline template counted per stage and candidate', () => {
    const whole = parseRows(
      [
        { model: 'wan2.7-t2v', input: { prompt: 'a' }, parameters: { duration: 5, resolution: '1080P' } },
        { model: 'wan2.7-t2v', input: { prompt: 'b' }, parameters: { duration: 5, resolution: '720P' } },
      ]
        .map((r) => JSON.stringify(r))
        .join('\n'),
      'jsonl',
    );
    expect(planCampaign({ kind: 'job' }, whole, options).estimate).toEqual({ CNY: 8 });

    const spec = {
      version: 1,
      stages: [
        {
          id: 'shot',
          candidates: 2,
          request: { model: 'wan2.7-t2v', input: { prompt: '{{prompt}}' }, parameters: { duration: 5 } },
        },
        {
          id: 'more',
          request: {
            model: 'wan2.7-i2v',
            input: { prompt: 'on', media: [{ type: 'first_clip', url: 'stage:shot' }] },
            parameters: { duration: 10 },
          },
        },
      ],
    };
    const plan = planCampaign(
      { kind: 'pipeline', body: spec },
      parseRows('prompt\nfox\nowl\n', 'csv'),
      options,
    );
    expect(plan.rows[0]!.tasks.map((t) => t.model)).toEqual(['wan2.7-t2v', 'wan2.7-t2v', 'wan2.7-i2v']);
    // Per row: 2 candidates × 5 s + 10 s at the default 1080P (¥1.0/s) = ¥20; two rows.
    expect(plan.estimate).toEqual({ CNY: 40 });
  });
});
