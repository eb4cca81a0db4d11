// The house rules a newcomer relies on, checked on the source itself: dependencies flow one way with no
// circles and no simulator in production (dependency-cruiser, .dependency-cruiser.cjs); the environment
// is read only through config/env.ts, whose variables are exactly docs/configuration.md's table; and
// every error class stands on WanflowError. Each check has a positive control: it would fail if broken.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { VARIABLES } from '../../src/config/env';

const ROOT = resolve(__dirname, '../..');
const DEPCRUISE = join(ROOT, 'node_modules/dependency-cruiser/bin/dependency-cruiser.mjs');

function sources(dir = join(ROOT, 'src')): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

function cruise(cwd: string): { status: number | null; out: string } {
  const r = spawnSync(
    process.execPath,
    [DEPCRUISE, 'src', '--config', join(ROOT, '.dependency-cruiser.cjs')],
    {
      cwd,
      encoding: 'utf8',
    },
  );
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

describe('dependencies', () => {
  it('flow one way, without circles, and production never imports the simulator', () => {
    const r = cruise(ROOT);
    expect(r.out).toMatch(/no dependency violations found/);
    expect(r.status).toBe(0);
  });

  it('a circle, a simulator import and a workflow importing an activity are caught (positive control)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wanflow-arch-'));
    const file = (path: string, text: string) => {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), text);
    };
    file('tsconfig.json', JSON.stringify({ compilerOptions: { module: 'commonjs', strict: true } }));
    file('src/workflows/a.ts', "import { b } from './b';\nexport const a = () => b;\n");
    file(
      'src/workflows/b.ts',
      "import { a } from './a';\nimport { act } from '../activities/act';\nexport const b = () => [a, act];\n",
    );
    file('src/activities/act.ts', 'export const act = 1;\n');
    file('src/worker/w.ts', "import { sim } from '../simulator/s';\nexport const w = sim;\n");
    file('src/simulator/s.ts', 'export const sim = 1;\n');
    file('src/coordination/c.ts', "import { a } from '../workflows/a';\nexport const c = a;\n");
    const r = cruise(dir);
    expect(r.status).not.toBe(0);
    for (const rule of [
      'no-circular',
      'no-simulator-in-production',
      'workflows-deterministic',
      'coordination-is-pure',
    ])
      expect(r.out).toContain(rule);
  });
});

describe('the environment', () => {
  // `env.NAME`, `env['NAME']`, `env[name]`, `process.env.NAME`: a read. `{ ...process.env }` passes it on.
  const READ = /\b(?:process\.)?env\s*(?:\.\s*[A-Za-z_]\w*|\[)/;

  it('is read only in config/env.ts', () => {
    const readers = sources()
      .filter((f) => !f.endsWith('src/config/env.ts'))
      .flatMap((f) =>
        readFileSync(f, 'utf8')
          .split('\n')
          .map((line, i) => ({ where: `${relative(ROOT, f)}:${i + 1}`, line }))
          .filter(({ line }) => READ.test(line) && !line.trim().startsWith('//')),
      );
    expect(readers).toEqual([]);
  });

  it('the check sees reads (positive control)', () => {
    for (const read of ['env.WANFLOW_X', "env['WANFLOW_X']", 'process.env.HOME', 'env[name]'])
      expect(read).toMatch(READ);
    for (const pass of [
      '{ ...process.env, A: 1 }',
      'env: NodeJS.ProcessEnv = process.env',
      'setup.env ?? process.env',
    ])
      expect(pass).not.toMatch(READ);
  });

  it("has exactly the configuration guide's variables", () => {
    const section = readFileSync(join(ROOT, 'docs', 'configuration.md'), 'utf8');
    const documented = new Set(
      section
        .split('\n')
        .filter((l) => l.startsWith('| `'))
        .flatMap((l) => [...l.split('|')[1]!.matchAll(/`([A-Z][A-Z0-9_<>]+)`/g)].map((m) => m[1]!)),
    );
    expect([...documented].sort()).toEqual(Object.keys(VARIABLES).sort());
  });
});

describe('errors', () => {
  it('every error class extends WanflowError (directly or through another that does)', () => {
    const classes = new Map<string, string>();
    for (const f of sources())
      for (const m of readFileSync(f, 'utf8').matchAll(/class (\w+) extends (\w+)/g))
        classes.set(m[1]!, m[2]!);
    const onBase = (name: string, seen = 0): boolean =>
      name === 'WanflowError' || (seen < 10 && classes.has(name) && onBase(classes.get(name)!, seen + 1));
    const errors = [...classes.keys()].filter((c) => /Error$|Stop$/.test(c) && c !== 'WanflowError');
    expect(errors.length).toBeGreaterThan(20);
    expect(errors.filter((c) => !onBase(c))).toEqual([]);
    expect(classes.get('WanflowError')).toBe('Error');
  });
});

describe("a model's facts", () => {
  // Files allowed to spell a model ID, and why. Every other file names models through the registry
  // (src/wan/registry) or what is made from it; the list is exact, so a file that stops needing its
  // exception must leave it too.
  const SPELLERS: Record<string, string> = {
    'src/wan/registry/wan27.ts': 'the Wan 2.7 family entry',
    'src/wan/registry/wan30.ts': 'the Wan 3.0 family entry',
    'src/wan/registry/wan27-image.ts': 'the Wan 2.7 image family entry',
    'src/providers/fal/fields.ts': "fal.ai's endpoint per model: the wrapper's own contract",
    'src/providers/eachlabs/fields.ts': "each::labs' model names: the wrapper's own contract",
    'src/providers/inference/fields.ts': "inference.sh's app per model: the wrapper's own contract",
    'src/config/prices.ts': "the wrappers' published prices (Model Studio's come from the registry)",
    'src/simulator/fal.ts': "the stand-in speaks the wrappers' contracts",
    'src/simulator/eachlabs.ts': "the stand-in speaks the wrappers' contracts",
    'src/simulator/inference.ts': "the stand-in speaks the wrappers' contracts",
    'src/simulator/output-shape.ts': 'the stand-in decides what each Wan 2.7 model would make',
  };
  const MODEL_ID = /['"`]wan\d+\.\d+-[a-z0-9-]+/;

  it('live in the registry: only the files listed spell a model ID', () => {
    const spelling = sources()
      .filter((f) => MODEL_ID.test(readFileSync(f, 'utf8')))
      .map((f) => relative(ROOT, f))
      .sort();
    expect(spelling).toEqual(Object.keys(SPELLERS).sort());
  });

  it('the check sees a model ID spelled in code (positive control)', () => {
    expect(MODEL_ID.test(`if (request.model === 'wan3.0-video') return;`)).toBe(true);
    expect(MODEL_ID.test('// wan3.0-video in a comment is not a fact')).toBe(false);
  });
});
