// `npm install` is quiet, and a dependency's install script is a conscious choice: every package of the
// lockfile that has one is named in package.json's allowScripts (allowed or denied).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(__dirname, '../..');
const read = (file: string) => JSON.parse(readFileSync(join(ROOT, file), 'utf8')) as Record<string, unknown>;

describe('install scripts', () => {
  it("every one in the lockfile is allowed or denied in package.json's allowScripts", () => {
    const allow = read('package.json').allowScripts as Record<string, boolean>;
    const packages = read('package-lock.json').packages as Record<string, { hasInstallScript?: boolean }>;
    const withScripts = Object.entries(packages)
      .filter(([path, p]) => path.startsWith('node_modules/') && p.hasInstallScript)
      .map(([path]) => path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length));
    expect(withScripts.length).toBeGreaterThan(0);
    expect(withScripts.filter((name) => !(name in allow))).toEqual([]);
  });
});
