// `l3 test <folder>` runs the folder's test files (cli/test-paths.ts).
import { join } from 'node:path';
import t from 'tap';
import { expandTestPaths } from '../../cli/test-paths.ts';

const root = join(import.meta.dirname, '..', '..');

t.test('a folder becomes its *.test.ts files; files, options and globs pass through', async (t) => {
  const expanded = expandTestPaths(['test/project/', '--grep', 'x', 'test/runtime/backoff.test.ts', 'test/**/nothing*.ts'], root);
  t.ok(expanded.includes('test/project/test-paths.test.ts'));
  t.ok(expanded.includes('test/project/type-check.test.ts'));
  t.same(expanded.slice(-4), ['--grep', 'x', 'test/runtime/backoff.test.ts', 'test/**/nothing*.ts']);
  t.ok(expandTestPaths(['test'], root).length > 50, 'recursive');
});

t.test('a folder without tests is a usage error naming it', async (t) => {
  t.throws(() => expandTestPaths(['docs'], root), { code: 'USAGE', message: /no \*\.test\.ts files under docs/ });
});
