// Inputs that are not what they say are refused before anything is paid, each naming its field: empty
// and non-numeric flags, unreadable spec and request files, parameters of the wrong type, `#0` outputs,
// and local files that are not media or lie outside a spec's folder. Nothing here crashes.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { requestFromFlags } from '../../src/cli/requests';
import { readSpecFile } from '../../src/pipelines/read';
import { planPipeline } from '../../src/pipelines/validate';
import { stageLocalInputs } from '../../src/assets/stage';
import { localPath } from '../../src/assets/refs';
import { FileSystemStore } from '../../src/storage/fs-store';
import { InvalidRequestError } from '../../src/wan/validation';
import { fourStageSpec } from '../harness/pipelines';

function refusal(fn: () => unknown): { field: string; message: string }[] {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(InvalidRequestError);
    return (err as InvalidRequestError).problems;
  }
  throw new Error('expected a refusal');
}

async function refusalOf(p: Promise<unknown>) {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(InvalidRequestError);
  return (err as InvalidRequestError).problems;
}

const dir = mkdtempSync(join(tmpdir(), 'wanflow-untrusted-'));
const file = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

// Numbers are checked by commander as it reads them (test/e2e/cli-usage.test.ts); empty text here.
describe('flags', () => {
  it.each([
    [{ prompt: '' }, '--prompt'],
    [{ prompt: 'p', negativePrompt: '' }, '--negative-prompt'],
    [{ prompt: 'p', referenceImage: ['https://example.com/a.png', ''] }, '--reference-image'],
  ])('%j is refused naming %s', (flags, field) => {
    expect(refusal(() => requestFromFlags(flags))[0]).toMatchObject({ field });
  });
});

describe('spec and request files', () => {
  it.each([
    ['a missing file', join(dir, 'nope.yaml'), /cannot be read/],
    ['a folder', dir, /not a file/],
    ['bad syntax', file('bad.yaml', 'stages: [\n'), /not valid YAML/],
    ['duplicate keys', file('dup.json', '{"version": 1, "version": 2}'), /not valid YAML/],
    [
      'an alias bomb',
      file(
        'bomb.yaml',
        [
          'a: &a [x,x,x,x,x,x,x,x,x,x]',
          ...'bcdefgh'
            .split('')
            .map((k, i) => `${k}: &${k} [${Array(10).fill(`*${'abcdefgh'[i]}`).join(',')}]`),
        ].join('\n'),
      ),
      /cannot be expanded|not valid/,
    ],
  ])('%s exits as bad input, with the reason', (_, path, reason) => {
    const [problem] = refusal(() => readSpecFile(path));
    expect(problem).toMatchObject({ field: 'spec' });
    expect(problem!.message).toMatch(reason);
  });

  it('reads a file that starts with a byte-order mark', () => {
    expect(readSpecFile(file('bom.json', '\uFEFF{"version": 1}'))).toEqual({ version: 1 });
  });
});

describe('pipeline specs', () => {
  it('refuses parameters of the wrong type instead of replacing them with the defaults', () => {
    const spec = { ...fourStageSpec(), defaults: { duration: 3 } } as ReturnType<typeof fourStageSpec> & {
      defaults: unknown;
    };
    (spec.stages[0]!.request as Record<string, unknown>).parameters = 'fast please';
    expect(refusal(() => planPipeline(spec)).map((p) => p.field)).toContain('stages.0.request.parameters');
  });

  it('refuses stage:<id>#0 (outputs are numbered from 1)', () => {
    const spec = fourStageSpec();
    (spec.stages[1]!.request.input as { media: { url: string }[] }).media[0]!.url = 'stage:explore#0';
    expect(refusal(() => planPipeline(spec))[0]).toMatchObject({
      field: 'stages.1.request.input.media.0.url',
    });
  });
});

describe('local files', () => {
  const store = new FileSystemStore(mkdtempSync(join(tmpdir(), 'wanflow-untrusted-store-')));
  const request = (url: string) => ({
    model: 'wan2.7-i2v',
    input: { media: [{ type: 'first_frame', url }] },
  });

  it.each([
    ['/proc/self/environ', /not a media file/],
    ['/etc/passwd', /not a media file/],
    [join(dir, 'empty.png'), /neither a URL nor a readable/],
  ])('%s is never read into the store', async (path, reason) => {
    writeFileSync(join(dir, 'empty.png'), '');
    const [problem] = await refusalOf(stageLocalInputs(request(path), store));
    expect(problem).toMatchObject({ field: 'input.media.0.url' });
    expect(problem!.message).toMatch(reason);
    expect(await store.exists('inputs')).toBe(false);
  });

  it("keeps a spec's files inside its folder unless the caller opts in", async () => {
    const specDir = join(dir, 'spec');
    mkdirSync(specDir, { recursive: true });
    const outside = file('outside.png', 'not really a png');
    const [problem] = await refusalOf(
      stageLocalInputs(request('../outside.png'), store, specDir, { root: specDir }),
    );
    expect(problem!.message).toMatch(/outside the spec's folder/);
    const staged = (await stageLocalInputs(request(outside), store, specDir)) as ReturnType<typeof request>;
    expect(staged.input.media[0]!.url).toMatch(/^asset:\/\/inputs\//);
  });

  it('treats data: URIs and percent-encoded file URLs for what they are', () => {
    expect(localPath('data:image/png;base64,AAAA')).toBeUndefined();
    expect(localPath('file:///tmp/a%20b.png')).toBe('/tmp/a b.png');
  });
});
