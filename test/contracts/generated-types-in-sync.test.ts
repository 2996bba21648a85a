import t from 'tap';
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCodegen } from '../../contracts/codegen/cli.ts';

const contractsDir = fileURLToPath(new URL('../../contracts/', import.meta.url));

t.test('the committed contracts/generated files match contracts/avro', async (t) => {
  const report = await runCodegen({ check: true });
  t.same(report.drift, [], 'run `node contracts/codegen/cli.ts` and commit the result');
  t.same(report.changed, []);
});

t.test('check mode reports missing, stale and orphaned files and writes nothing', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'l3-codegen-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  await cp(join(contractsDir, 'avro'), join(dir, 'avro'), { recursive: true });
  await cp(join(contractsDir, 'generated'), join(dir, 'generated'), { recursive: true });

  await rm(join(dir, 'generated', 'object-change.ts'));
  await writeFile(join(dir, 'generated', 'link-change.ts'), '// GENERATED FROM contracts/avro/LinkChange.avsc by contracts/codegen — DO NOT EDIT.\n');
  await writeFile(join(dir, 'generated', 'gone.ts'), '// GENERATED FROM contracts/avro/Gone.avsc by contracts/codegen — DO NOT EDIT.\n');
  await writeFile(join(dir, 'generated', 'hand-written.ts'), 'export const kept = true;\n');
  const before = (await readdir(join(dir, 'generated'))).sort();

  const report = await runCodegen({ contractsDir: dir, check: true });
  t.same(report.drift, [
    { file: 'contracts/generated/link-change.ts', problem: 'differs' },
    { file: 'contracts/generated/object-change.ts', problem: 'missing' },
    { file: 'contracts/generated/gone.ts', problem: 'orphaned' },
  ]);
  t.same(report.changed, []);
  t.same((await readdir(join(dir, 'generated'))).sort(), before, 'nothing written or deleted');
});

t.test('write mode repairs the drift so that a second check is clean', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'l3-codegen-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  await cp(join(contractsDir, 'avro'), join(dir, 'avro'), { recursive: true });
  await cp(join(contractsDir, 'generated'), join(dir, 'generated'), { recursive: true });
  await rm(join(dir, 'generated', 'object-change.ts'));
  await writeFile(join(dir, 'generated', 'gone.ts'), '// GENERATED FROM contracts/avro/Gone.avsc by contracts/codegen — DO NOT EDIT.\n');
  await writeFile(join(dir, 'generated', 'hand-written.ts'), 'export const kept = true;\n');

  const written = await runCodegen({ contractsDir: dir });
  t.same(written.changed, ['contracts/generated/object-change.ts', 'contracts/generated/gone.ts']);
  t.same((await runCodegen({ contractsDir: dir, check: true })).drift, []);
  t.equal(
    await readFile(join(dir, 'generated', 'object-change.ts'), 'utf8'),
    await readFile(join(contractsDir, 'generated', 'object-change.ts'), 'utf8'),
  );
  t.equal(await readFile(join(dir, 'generated', 'hand-written.ts'), 'utf8'), 'export const kept = true;\n', 'a file without the generated header is never touched');
});
