// Node runs the TypeScript without checking it (type stripping), so the compiler runs here: a type
// error anywhere in the tree fails the suite.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import t from 'tap';

const root = join(import.meta.dirname, '../..');

t.test('the whole tree type-checks under strict tsc', async (t) => {
  const result = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'tsconfig.json')], {
    encoding: 'utf8',
    cwd: root,
    timeout: 300_000,
  });
  t.equal(result.status, 0, `tsc reported:\n${result.stdout}${result.stderr}`);
});
