// `l3 audit ...` run as the real command line against a test database: verify reports an intact
// chain and names the first bad row of a tampered one; keygen, checkpoint export and checkpoint
// verify work together; the signing key's variable is named when it is missing or wrong.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { appendAuditEvent, chainHash } from '../../runtime/audit/audit-chain.ts';
import { connect, createTestDatabase, withTenant } from '../support/database.ts';

const projectRoot = new URL('../..', import.meta.url).pathname;

interface CliRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function l3(args: string[], env: Record<string, string | undefined> = {}): Promise<CliRun> {
  // The signing variables come only from `env`, whatever the developer's shell has.
  const { L3_AUDIT_SIGNING_KEY: _key, L3_AUDIT_KEY_ID: _id, ...inherited } = process.env;
  const child = spawn(process.execPath, [join(projectRoot, 'cli/main.ts'), ...args], {
    cwd: projectRoot,
    env: { ...inherited, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

const urls = await createTestDatabase(t);
const admin = await connect(t, urls.admin);
const processor = await connect(t, urls.processor);

/** A new tenant with `n` events; returns its id and the head hash. */
async function tenantWithChain(n: number): Promise<{ tenantId: string; headHash: string }> {
  const tenantId = randomUUID();
  await admin.query('INSERT INTO tenants (tenant_id, name) VALUES ($1, $2)', [tenantId, `audit cli ${tenantId}`]);
  let headHash = '';
  for (let i = 1; i <= n; i++) {
    const appended = await withTenant(processor, tenantId, (tx) => appendAuditEvent(tx, { tenantId, eventType: 'cli.test', event: { step: i, ratio: i / 3 } }));
    headHash = appended.hash;
  }
  return { tenantId, headHash };
}

async function keygen(dir: string): Promise<{ privatePem: string; publicFile: string; keyId: string }> {
  const run = await l3(['audit', 'keygen', '--out-dir', dir]);
  if (run.status !== 0) throw new Error(`keygen failed: ${run.stderr}`);
  const keyId = /L3_AUDIT_KEY_ID=(\S+)/.exec(run.stdout)?.[1];
  if (keyId === undefined) throw new Error(`keygen printed no key id: ${run.stdout}`);
  return { privatePem: readFileSync(join(dir, 'audit-signing-key.pem'), 'utf8'), publicFile: join(dir, 'audit-public-key.pem'), keyId };
}

t.test('verify prints the length and head of an intact chain', async (t) => {
  const { tenantId, headHash } = await tenantWithChain(3);
  const run = await l3(['audit', 'verify', '--tenant', tenantId, '--database-url', urls.admin]);
  t.equal(run.status, 0, run.stderr);
  t.equal(run.stdout.trim(), `chain ok: 3 events, head seq 3 hash ${headHash}`);
  // Any role that may read the table will do: the command scopes its read to the tenant.
  const asGateway = await l3(['audit', 'verify', '--tenant', tenantId, '--database-url', urls.gateway]);
  t.equal(asGateway.stdout.trim(), `chain ok: 3 events, head seq 3 hash ${headHash}`, asGateway.stderr);
});

t.test('verify of a tenant without events is an empty, intact chain', async (t) => {
  const { tenantId } = await tenantWithChain(0);
  const run = await l3(['audit', 'verify', '--tenant', tenantId, '--database-url', urls.admin]);
  t.equal(run.status, 0, run.stderr);
  t.equal(run.stdout.trim(), 'chain ok: 0 events (empty chain)');
});

t.test('verify exits 1 naming the first bad row after tampering', async (t) => {
  const { tenantId } = await tenantWithChain(4);
  await admin.query("UPDATE audit_events SET event = jsonb_set(event, '{step}', '20') WHERE tenant_id = $1 AND seq = 2", [tenantId]);
  const run = await l3(['audit', 'verify', '--tenant', tenantId, '--database-url', urls.admin]);
  t.equal(run.status, 1);
  t.equal(run.stdout, '');
  t.match(run.stderr, /^l3: error \[AUDIT_CHAIN_BROKEN\]: first bad row: seq 2: hash [0-9a-f]{64} does not match/);
});

t.test('usage errors exit 2', async (t) => {
  const noTenant = await l3(['audit', 'verify', '--database-url', urls.admin]);
  t.equal(noTenant.status, 2);
  t.match(noTenant.stderr, /--tenant UUID is required/);
  const badTenant = await l3(['audit', 'verify', '--tenant', 'acme', '--database-url', urls.admin]);
  t.equal(badTenant.status, 2);
  t.match(badTenant.stderr, /--tenant must be a UUID, got "acme"/);
  const unknown = await l3(['audit', 'checkpoint', 'sign']);
  t.equal(unknown.status, 2);
  t.match(unknown.stderr, /unknown audit checkpoint verb "sign"/);
});

t.test('keygen, checkpoint export and checkpoint verify round trip', async (t) => {
  const dir = t.testdir({});
  const key = await keygen(join(dir, 'keys'));
  t.equal(statSync(join(dir, 'keys', 'audit-signing-key.pem')).mode & 0o777, 0o600, 'the private key is readable by its owner only');
  t.match(key.privatePem, /^-----BEGIN PRIVATE KEY-----\n/);
  const again = await l3(['audit', 'keygen', '--out-dir', join(dir, 'keys')]);
  t.equal(again.status, 2, 'keygen never overwrites a key');
  t.match(again.stderr, /already exists/);

  const { tenantId, headHash } = await tenantWithChain(3);
  const signingEnv = { L3_AUDIT_SIGNING_KEY: key.privatePem, L3_AUDIT_KEY_ID: key.keyId };
  const checkpointFile = join(dir, 'checkpoint.json');
  const exported = await l3(['audit', 'checkpoint', 'export', '--tenant', tenantId, '--out', checkpointFile, '--database-url', urls.admin], signingEnv);
  t.equal(exported.status, 0, exported.stderr);
  t.match(exported.stdout, `checkpoint of tenant ${tenantId}: seq 3 hash ${headHash}, signed by ${key.keyId}`);
  const checkpoint = JSON.parse(readFileSync(checkpointFile, 'utf8')) as Record<string, unknown>;
  t.match(checkpoint, { tenantId, seq: 3, hash: headHash, keyId: key.keyId, signature: /^[A-Za-z0-9+/]{86}==$/ });

  // Without --out the checkpoint is the whole of stdout.
  const toStdout = await l3(['audit', 'checkpoint', 'export', '--tenant', tenantId, '--database-url', urls.admin], signingEnv);
  t.equal(toStdout.status, 0, toStdout.stderr);
  t.match(JSON.parse(toStdout.stdout), { tenantId, seq: 3, hash: headHash });

  // The chain may grow after the checkpoint.
  await withTenant(processor, tenantId, (tx) => appendAuditEvent(tx, { tenantId, eventType: 'cli.test', event: { step: 4 } }));
  const verified = await l3(['audit', 'checkpoint', 'verify', '--checkpoint', checkpointFile, '--public-key', key.publicFile, '--tenant', tenantId, '--database-url', urls.admin]);
  t.equal(verified.status, 0, verified.stderr);
  t.match(verified.stdout, `checkpoint ok: tenant ${tenantId} seq 3 hash ${headHash}, signed by ${key.keyId}`);
  t.match(verified.stdout, /chain ok: 4 events, head seq 4 hash [0-9a-f]{64}/);

  const otherKey = await keygen(join(dir, 'other-keys'));
  const wrongKey = await l3(['audit', 'checkpoint', 'verify', '--checkpoint', checkpointFile, '--public-key', otherKey.publicFile, '--database-url', urls.admin]);
  t.equal(wrongKey.status, 1);
  t.match(wrongKey.stderr, /\[AUDIT_CHECKPOINT_INVALID\]: the signature of .*checkpoint\.json .* does not verify/);

  const otherTenant = randomUUID();
  const wrongTenant = await l3(['audit', 'checkpoint', 'verify', '--checkpoint', checkpointFile, '--public-key', key.publicFile, '--tenant', otherTenant, '--database-url', urls.admin]);
  t.equal(wrongTenant.status, 1);
  t.match(wrongTenant.stderr, `is a checkpoint of tenant ${tenantId}, not of tenant ${otherTenant}`);

  // Rewrite history below the checkpoint, recomputing every hash so the chain alone still verifies.
  const tamper = await connect(t, urls.admin);
  await tamper.query('SET session_replication_role = replica');
  const { rows } = await tamper.query<{ seq: string; prev_hash: string; event: unknown }>('SELECT seq, prev_hash, event FROM audit_events WHERE tenant_id = $1 ORDER BY seq', [tenantId]);
  let prevHash = rows[0]!.prev_hash;
  for (const row of rows) {
    const event = Number(row.seq) === 2 ? { step: 2, ratio: 0 } : row.event;
    const hash = chainHash(prevHash, event);
    await tamper.query('UPDATE audit_events SET prev_hash = $3, hash = $4, event = $5 WHERE tenant_id = $1 AND seq = $2', [tenantId, row.seq, prevHash, hash, JSON.stringify(event)]);
    prevHash = hash;
  }
  const plain = await l3(['audit', 'verify', '--tenant', tenantId, '--database-url', urls.admin]);
  t.equal(plain.status, 0, 'the rewritten chain is consistent on its own');
  const rewritten = await l3(['audit', 'checkpoint', 'verify', '--checkpoint', checkpointFile, '--public-key', key.publicFile, '--database-url', urls.admin]);
  t.equal(rewritten.status, 1);
  t.match(rewritten.stderr, /\[AUDIT_CHAIN_BROKEN\]: first bad row: seq 3: history rewritten before the checkpoint/);
});

t.test('checkpoint export names the signing variables when they are missing or wrong', async (t) => {
  const { tenantId } = await tenantWithChain(1);
  const exportArgs = ['audit', 'checkpoint', 'export', '--tenant', tenantId, '--database-url', urls.admin];
  const missing = await l3(exportArgs, { L3_AUDIT_KEY_ID: 'k1' });
  t.equal(missing.status, 2);
  t.match(missing.stderr, /^l3: error \[USAGE\]: L3_AUDIT_SIGNING_KEY is not set/);
  t.equal(missing.stdout, '');

  const garbage = await l3(exportArgs, { L3_AUDIT_SIGNING_KEY: 'not a key', L3_AUDIT_KEY_ID: 'k1' });
  t.equal(garbage.status, 2);
  t.match(garbage.stderr, /L3_AUDIT_SIGNING_KEY is not a PEM private key/);

  const key = await keygen(join(t.testdir({}), 'keys'));
  const noKeyId = await l3(exportArgs, { L3_AUDIT_SIGNING_KEY: key.privatePem });
  t.equal(noKeyId.status, 2);
  t.match(noKeyId.stderr, /L3_AUDIT_KEY_ID is not set/);

  // A PEM flattened onto one line with literal \n, as env files carry it, is accepted.
  const flattened = await l3(exportArgs, { L3_AUDIT_SIGNING_KEY: key.privatePem.trimEnd().replaceAll('\n', '\\n'), L3_AUDIT_KEY_ID: key.keyId });
  t.equal(flattened.status, 0, flattened.stderr);
});

t.test('checkpoint export refuses an empty chain and a broken one', async (t) => {
  const key = await keygen(join(t.testdir({}), 'keys'));
  const env = { L3_AUDIT_SIGNING_KEY: key.privatePem, L3_AUDIT_KEY_ID: key.keyId };
  const empty = await tenantWithChain(0);
  const none = await l3(['audit', 'checkpoint', 'export', '--tenant', empty.tenantId, '--database-url', urls.admin], env);
  t.equal(none.status, 1);
  t.match(none.stderr, /\[AUDIT_CHAIN_EMPTY\]: tenant .* has no audit events yet/);

  const broken = await tenantWithChain(2);
  await admin.query("UPDATE audit_events SET event = '{}' WHERE tenant_id = $1 AND seq = 1", [broken.tenantId]);
  const refused = await l3(['audit', 'checkpoint', 'export', '--tenant', broken.tenantId, '--database-url', urls.admin], env);
  t.equal(refused.status, 1);
  t.match(refused.stderr, /\[AUDIT_CHAIN_BROKEN\]: first bad row: seq 1: /);
});
