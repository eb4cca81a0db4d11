// Writes `wanflow routes` (default prices, cn-beijing) between docs/routes.md's routes markers, where a test
// (test/unit/routes.test.ts) holds it equal to what the code serves. Run after changing a route's table:
// npm run readme:routes
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const root = join(import.meta.dirname, '..');
const { routeRows, routesMarkdown } = require(join(root, 'dist/cli/routes-table.js'));
const { DEFAULT_PRICES } = require(join(root, 'dist/config/prices.js'));
const file = join(root, 'docs', 'routes.md');
const readme = readFileSync(file, 'utf8');
const begin = '<!-- routes:begin -->';
const end = '<!-- routes:end -->';
const [head, rest] = readme.split(begin);
const tail = rest?.split(end)[1];
if (tail === undefined) throw new Error(`docs/routes.md has no ${begin} … ${end} section`);
const table = routesMarkdown(routeRows(DEFAULT_PRICES, 'cn-beijing'), 'cn-beijing');
writeFileSync(file, `${head}${begin}\n\n${table}\n\n${end}${tail}`);
