// The audit chain (ARCHITECTURE §7) against the real Postgres: appends as l3_processor form one
// linear chain per tenant however many transactions race, the verifier finds the first bad row
// of every kind of tampering a database superuser can do, and a signed checkpoint catches the
// rewrite that recomputes every hash.
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import pg from 'pg';
import t from 'tap';
import type { Test } from 'tap';
import type { AuditEventAppended } from '../../contracts/generated/audit-event-appended.ts';
import { defaultTopicNames } from '../../contracts/topics.ts';
import { appendAuditEvent, chainHash, GENESIS_HASH } from '../../runtime/audit/audit-chain.ts';
import { signCheckpoint, verifyAgainstCheckpoint, verifyCheckpointSignature } from '../../runtime/audit/checkpoint.ts';
import { verifyChain } from '../../runtime/audit/verify-chain.ts';
import type { ChainRow } from '../../runtime/audit/verify-chain.ts';
import { connect, createTestDatabase, withTenant } from '../support/database.ts';

const urls = await createTestDatabase(t);
const admin = await connect(t, urls.admin);
const processor = await connect(t, urls.processor);

async function newTenant(): Promise<string> {
  const tenantId = randomUUID();
  await admin.query('INSERT INTO tenants (tenant_id, name) VALUES ($1, $2)', [tenantId, `audit ${tenantId}`]);
  return tenantId;
}

async function append(tenantId: string, event: Record<string, unknown>, topic?: string) {
  return withTenant(processor, tenantId, (tx) => appendAuditEvent(tx, { tenantId, eventType: 'test.event', event, ...(topic === undefined ? {} : { topic }) }));
}

/** A tenant with `n` appended events. */
async function chainOf(n: number): Promise<string> {
  const tenantId = await newTenant();
  for (let i = 1; i <= n; i++) await append(tenantId, { step: i, actor: `user-${i}`, amount: i * 1.5 });
  return tenantId;
}

/** The tenant's rows in seq order, as the verifier reads them (as the superuser, bypassing RLS). */
async function rowsOf(tenantId: string): Promise<ChainRow[]> {
  const { rows } = await admin.query<{ seq: string; prev_hash: string; hash: string; event: unknown }>(
    'SELECT seq, prev_hash, hash, event FROM audit_events WHERE tenant_id = $1 ORDER BY seq',
    [tenantId],
  );
  return rows.map((r) => ({ seq: Number(r.seq), prevHash: r.prev_hash, hash: r.hash, event: r.event }));
}

/** Runs `fn` as the superuser with triggers, hence the chain foreign key, switched off. */
async function asReplica(t: Test, fn: (client: pg.Client) => Promise<void>): Promise<void> {
  const client = await connect(t, urls.admin);
  await client.query('SET session_replication_role = replica');
  await fn(client);
}

t.test('appends form a chain from the genesis hash that the verifier accepts', async (t) => {
  const tenantId = await newTenant();
  const first = await append(tenantId, { type: 'proposal.created', proposalId: 'p-1' });
  t.same(first, { seq: 1, prevHash: GENESIS_HASH, hash: chainHash(GENESIS_HASH, { type: 'proposal.created', proposalId: 'p-1' }) });
  const second = await append(tenantId, { type: 'proposal.approved', proposalId: 'p-1', approver: 'user:ann' });
  t.equal(second.seq, 2);
  t.equal(second.prevHash, first.hash);
  const third = await append(tenantId, { type: 'proposal.executed', proposalId: 'p-1' });

  const rows = await rowsOf(tenantId);
  t.same(verifyChain(rows), { ok: true, length: 3, head: { seq: 3, hash: third.hash } });
  t.same(rows[1]?.event, { type: 'proposal.approved', proposalId: 'p-1', approver: 'user:ann' });
  t.same(verifyChain([]), { ok: true, length: 0, head: null });
});

t.test('with a topic, the append also writes one AuditEventAppended outbox record keyed by tenant', async (t) => {
  const tenantId = await newTenant();
  const topic = defaultTopicNames.auditEvents;
  const occurredAt = new Date('2030-05-06T07:08:09.123Z');
  const appended = await withTenant(processor, tenantId, (tx) =>
    appendAuditEvent(tx, { tenantId, eventType: 'action.approved', event: { b: 2, a: 1 }, occurredAt, topic }),
  );
  await append(tenantId, { c: 3 }, topic);
  const { rows } = await admin.query<{ key: string; payload: AuditEventAppended; headers: Record<string, string>; event_id: string }>(
    'SELECT key, payload, headers, event_id FROM outbox_messages WHERE tenant_id = $1 ORDER BY outbox_id, position',
    [tenantId],
  );
  t.equal(rows.length, 2);
  const [row] = rows;
  t.equal(row?.key, `${tenantId}:audit`);
  t.equal(rows[1]?.key, row?.key, 'one key per tenant: the chain stays on one partition');
  t.same(row?.payload, {
    tenantId,
    eventId: row?.event_id,
    seq: 1,
    hash: appended.hash,
    prevHash: GENESIS_HASH,
    eventType: 'action.approved',
    event: '{"a":1,"b":2}',
    occurredAt: occurredAt.getTime(),
  });
  t.match(row?.headers.traceparent, /^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
  t.equal(rows[1]?.payload.seq, 2);
  t.equal(rows[1]?.payload.prevHash, appended.hash);
  const stored = await admin.query<{ occurred_at: Date }>('SELECT occurred_at FROM audit_events WHERE tenant_id = $1 AND seq = 1', [tenantId]);
  t.equal(stored.rows[0]?.occurred_at.getTime(), occurredAt.getTime());
});

t.test('floats, extreme doubles and large integers round-trip through jsonb: the stored row re-hashes to the appended hash', async (t) => {
  const tenantId = await newTenant();
  const event = {
    float: 0.1,
    sum: 0.1 + 0.2,
    third: 333333333.3333333,
    tiny: 5e-324,
    max: Number.MAX_VALUE,
    negative: -1.7976931348623157e308,
    bigExp: 1e21,
    belowExp: 999999999999999900000,
    small: 0.000001,
    smaller: 9.999999999999997e-7,
    maxSafe: Number.MAX_SAFE_INTEGER,
    twoTo53: 2 ** 53,
    // Beyond 2^53: 2^60, and 2^53 + 1 written as a literal (the double 2^53).
    twoTo60: 2 ** 60,
    notSafe: 9007199254740993,
    minusZero: -0,
    nested: [1.5, { deep: 123456789.123456789 }],
    text: 'ünïcödé € 😀 "quotes" \\ \n',
  };
  const appended = await append(tenantId, event);
  const [row] = await rowsOf(tenantId);
  t.equal(chainHash(row!.prevHash, row!.event), appended.hash, 'recomputed from the stored row');
  t.same(verifyChain(await rowsOf(tenantId)), { ok: true, length: 1, head: { seq: 1, hash: appended.hash } });
  // jsonb did respell some of them: the hash survives because the double does.
  const text = await admin.query<{ big_exp: string; tiny: string }>(
    "SELECT event->>'bigExp' AS big_exp, event->>'tiny' AS tiny FROM audit_events WHERE tenant_id = $1",
    [tenantId],
  );
  t.equal(text.rows[0]?.big_exp, '1000000000000000000000');
  t.not(text.rows[0]?.tiny, '5e-324');
});

t.test('events jsonb cannot hold, or that are not objects, are refused before anything is written', async (t) => {
  const tenantId = await newTenant();
  await t.rejects(append(tenantId, { s: 'nul \u0000 byte' }), { name: 'TypeError', message: /U\+0000/ });
  await t.rejects(append(tenantId, { n: Number.NaN }), { name: 'TypeError', message: /\$\.n is NaN/ });
  await t.rejects(append(tenantId, [1, 2] as unknown as Record<string, unknown>), { name: 'TypeError', message: /JSON object/ });
  t.same(await rowsOf(tenantId), []);
});

t.test('an append outside a transaction scoped to the tenant says so', async (t) => {
  const tenantId = await newTenant();
  const other = await newTenant();
  await t.rejects(
    withTenant(processor, other, (tx) => appendAuditEvent(tx, { tenantId, eventType: 'x', event: {} })),
    { message: new RegExp(`must be scoped to tenant ${tenantId}.*app\\.tenant_id is ${other}`) },
  );
  await processor.query('BEGIN');
  await t.rejects(appendAuditEvent(processor, { tenantId, eventType: 'x', event: {} }), { message: /app\.tenant_id is not set/ });
  await processor.query('ROLLBACK');
});

t.test('50 concurrent appenders for one tenant produce one linear chain, seq 1..50', async (t) => {
  const tenantId = await newTenant();
  const clients = await Promise.all(Array.from({ length: 50 }, () => connect(t, urls.processor)));
  const results = await Promise.all(
    clients.map((client, i) => withTenant(client, tenantId, (tx) => appendAuditEvent(tx, { tenantId, eventType: 'race', event: { appender: i } }))),
  );
  t.same(results.map((r) => r.seq).sort((a, b) => a - b), Array.from({ length: 50 }, (_, i) => i + 1));
  const rows = await rowsOf(tenantId);
  t.equal(rows.length, 50);
  const verification = verifyChain(rows);
  t.ok(verification.ok, JSON.stringify(verification));
  t.same(new Set(rows.map((r) => (r.event as { appender: number }).appender)).size, 50, 'every appender is in the chain once');
  // Each returned place is the stored one.
  for (const r of results) t.equal(rows[r.seq - 1]?.hash, r.hash);
});

t.test('appends of different tenants do not share a chain', async (t) => {
  const [a, b] = [await newTenant(), await newTenant()];
  // One connection each: a pg client runs one transaction at a time.
  const [ca, cb] = [await connect(t, urls.processor), await connect(t, urls.processor)];
  await Promise.all([
    withTenant(ca, a, (tx) => appendAuditEvent(tx, { tenantId: a, eventType: 'test.event', event: { n: 1 } })),
    withTenant(cb, b, (tx) => appendAuditEvent(tx, { tenantId: b, eventType: 'test.event', event: { n: 1 } })),
  ]);
  const second = await append(a, { n: 2 });
  t.equal(second.seq, 2);
  t.equal((await rowsOf(b)).length, 1);
});

t.test('tampering is found at the first bad row', async (t) => {
  t.test('an edited event (the chain foreign key does not stop it)', async (t) => {
    const tenantId = await chainOf(5);
    await admin.query("UPDATE audit_events SET event = jsonb_set(event, '{amount}', '1000') WHERE tenant_id = $1 AND seq = 3", [tenantId]);
    const result = verifyChain(await rowsOf(tenantId));
    t.same({ ok: result.ok, firstBadSeq: !result.ok && result.firstBadSeq }, { ok: false, firstBadSeq: 3 });
    t.match(!result.ok && result.reason, /hash [0-9a-f]{64} does not match sha256\(prev_hash \|\| JCS\(event\)\)/);
  });

  t.test('an edited event with its hash recomputed breaks the next row', async (t) => {
    const tenantId = await chainOf(5);
    await asReplica(t, async (client) => {
      const forged = { step: 3, actor: 'mallory', amount: 4.5 };
      const [, second] = await rowsOf(tenantId);
      await client.query('UPDATE audit_events SET event = $2, hash = $3 WHERE tenant_id = $1 AND seq = 3', [tenantId, JSON.stringify(forged), chainHash(second!.hash, forged)]);
    });
    const result = verifyChain(await rowsOf(tenantId));
    t.same({ ok: result.ok, firstBadSeq: !result.ok && result.firstBadSeq }, { ok: false, firstBadSeq: 4 });
    t.match(!result.ok && result.reason, /prev_hash [0-9a-f]{64} is not the hash of seq 3/);
  });

  t.test('a deleted middle row', async (t) => {
    const tenantId = await chainOf(5);
    await asReplica(t, async (client) => {
      await client.query('DELETE FROM audit_events WHERE tenant_id = $1 AND seq = 3', [tenantId]);
    });
    const result = verifyChain(await rowsOf(tenantId));
    t.same({ ok: result.ok, firstBadSeq: !result.ok && result.firstBadSeq }, { ok: false, firstBadSeq: 3 });
    t.match(!result.ok && result.reason, /expected seq 3 but found seq 4: seq 3 missing/);
  });

  t.test('an inserted forged row whose hash does not cover its event', async (t) => {
    const tenantId = await chainOf(5);
    const head = (await rowsOf(tenantId))[4]!;
    // The foreign key is satisfied (right seq, right prev_hash); only the digest is wrong.
    await admin.query(
      "INSERT INTO audit_events (tenant_id, seq, prev_hash, hash, event_type, event) VALUES ($1, 6, $2, $3, 'forged', $4)",
      [tenantId, head.hash, chainHash(head.hash, { step: 6, actor: 'ann' }), JSON.stringify({ step: 6, actor: 'mallory' })],
    );
    const result = verifyChain(await rowsOf(tenantId));
    t.same({ ok: result.ok, firstBadSeq: !result.ok && result.firstBadSeq }, { ok: false, firstBadSeq: 6 });
    t.match(!result.ok && result.reason, /does not match/);
  });

  t.test('an inserted forged row that does not chain to its predecessor', async (t) => {
    const tenantId = await chainOf(5);
    const fakePrev = 'f'.repeat(64);
    const event = { step: 6, actor: 'mallory' };
    await asReplica(t, async (client) => {
      await client.query(
        "INSERT INTO audit_events (tenant_id, seq, prev_hash, hash, event_type, event) VALUES ($1, 6, $2, $3, 'forged', $4)",
        [tenantId, fakePrev, chainHash(fakePrev, event), JSON.stringify(event)],
      );
    });
    const result = verifyChain(await rowsOf(tenantId));
    t.same({ ok: result.ok, firstBadSeq: !result.ok && result.firstBadSeq }, { ok: false, firstBadSeq: 6 });
    t.match(!result.ok && result.reason, /prev_hash f{64} is not the hash of seq 5/);
  });

  t.test('two rows that swapped seq', async (t) => {
    const tenantId = await chainOf(5);
    await asReplica(t, async (client) => {
      for (const [from, to] of [[2, 1000], [4, 2], [1000, 4]]) {
        await client.query('UPDATE audit_events SET seq = $3 WHERE tenant_id = $1 AND seq = $2', [tenantId, from, to]);
      }
    });
    const result = verifyChain(await rowsOf(tenantId));
    t.same({ ok: result.ok, firstBadSeq: !result.ok && result.firstBadSeq }, { ok: false, firstBadSeq: 2 });
    t.match(!result.ok && result.reason, /prev_hash [0-9a-f]{64} is not the hash of seq 1/);
  });

  t.test('rows read out of order, duplicated or not starting at the genesis hash', async (t) => {
    const rows = await rowsOf(await chainOf(4));
    const [r1, r2, r3, r4] = rows as [ChainRow, ChainRow, ChainRow, ChainRow];
    const bad = (result: ReturnType<typeof verifyChain>) => (result.ok ? 'ok' : `${result.firstBadSeq}: ${result.reason}`);
    t.match(bad(verifyChain([r1, r3, r2, r4])), /^2: expected seq 2 but found seq 3/);
    t.match(bad(verifyChain([r1, r2, r2, r3])), /^3: expected seq 3 but found seq 2 again: duplicate/);
    t.match(bad(verifyChain([r1, r2, r4, r3])), /^3: expected seq 3 but found seq 4/);
    t.match(bad(verifyChain([r2, r3])), /^1: expected seq 1 but found seq 2/);
    t.match(bad(verifyChain([{ ...r1, prevHash: '1'.repeat(64) }])), /^1: prev_hash 1{64} is not the genesis hash/);
    t.match(bad(verifyChain([r1, { ...r2, event: { n: Number.POSITIVE_INFINITY } }])), /^2: event cannot be canonicalized/);
    t.same(verifyChain([r3, r4], { seq: 2, hash: r2.hash }), { ok: true, length: 4, head: { seq: 4, hash: r4.hash } }, 'continues a verified prefix');
    t.match(bad(verifyChain([r3, r4], { seq: 2, hash: r1.hash })), /^3: prev_hash/);
  });
});

t.test('the processor role can neither UPDATE nor DELETE audit rows', async (t) => {
  const tenantId = await chainOf(2);
  await t.rejects(
    withTenant(processor, tenantId, (tx) => tx.query("UPDATE audit_events SET event_type = 'x' WHERE tenant_id = $1", [tenantId])),
    { code: '42501', message: /permission denied for table audit_events/ },
  );
  await t.rejects(
    withTenant(processor, tenantId, (tx) => tx.query('DELETE FROM audit_events WHERE tenant_id = $1 AND seq = 2', [tenantId])),
    { code: '42501', message: /permission denied for table audit_events/ },
  );
  t.ok(verifyChain(await rowsOf(tenantId)).ok);
});

t.test('signed checkpoints', async (t) => {
  const keys = () =>
    generateKeyPairSync('ed25519', { privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
  const key = keys();
  const otherKey = keys();

  t.test('a checkpoint of the head verifies, and keeps verifying as the chain grows', async (t) => {
    const tenantId = await chainOf(3);
    const head = (await rowsOf(tenantId))[2]!;
    const checkpoint = signCheckpoint({ tenantId, seq: head.seq, hash: head.hash }, key.privateKey, 'audit-test-1');
    t.match(checkpoint, { tenantId, seq: 3, hash: head.hash, keyId: 'audit-test-1' });
    t.equal(Buffer.from(checkpoint.signature, 'base64').length, 64);
    t.ok(verifyCheckpointSignature(checkpoint, key.publicKey));
    t.same(verifyAgainstCheckpoint(await rowsOf(tenantId), checkpoint), { ok: true, length: 3, head: { seq: 3, hash: head.hash } });
    await append(tenantId, { step: 4 });
    const grown = verifyAgainstCheckpoint(await rowsOf(tenantId), checkpoint);
    t.same(grown.ok && grown.length, 4);
  });

  t.test('a checkpoint signed by another key, or altered, fails its signature check', async (t) => {
    const tenantId = await chainOf(2);
    const head = (await rowsOf(tenantId))[1]!;
    const checkpoint = signCheckpoint({ tenantId, seq: head.seq, hash: head.hash }, otherKey.privateKey, 'audit-test-1');
    t.notOk(verifyCheckpointSignature(checkpoint, key.publicKey), 'signed by another key');
    t.ok(verifyCheckpointSignature(checkpoint, otherKey.publicKey));
    t.notOk(verifyCheckpointSignature({ ...checkpoint, seq: 1 }, otherKey.publicKey), 'seq altered');
    t.notOk(verifyCheckpointSignature({ ...checkpoint, keyId: 'audit-test-2' }, otherKey.publicKey), 'key id altered');
    t.notOk(verifyCheckpointSignature({ ...checkpoint, signature: 'not base64!' }, otherKey.publicKey), 'signature garbled');
    t.throws(() => signCheckpoint({ tenantId, seq: 1, hash: head.hash }, generateKeyPairSync('ec', { namedCurve: 'P-256', privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } }).privateKey, 'k'), /expected an Ed25519 private key, got ec/);
  });

  t.test('a chain rewritten with every hash recomputed verifies on its own but fails against the checkpoint', async (t) => {
    const tenantId = await chainOf(5);
    const rows = await rowsOf(tenantId);
    const checkpoint = signCheckpoint({ tenantId, seq: 4, hash: rows[3]!.hash }, key.privateKey, 'audit-test-1');
    await asReplica(t, async (client) => {
      let prevHash = rows[0]!.hash;
      for (const row of rows.slice(1)) {
        const event = row.seq === 2 ? { step: 2, actor: 'mallory', amount: 0 } : row.event;
        const hash = chainHash(prevHash, event);
        await client.query('UPDATE audit_events SET prev_hash = $3, hash = $4, event = $5 WHERE tenant_id = $1 AND seq = $2', [tenantId, row.seq, prevHash, hash, JSON.stringify(event)]);
        prevHash = hash;
      }
    });
    const rewritten = await rowsOf(tenantId);
    t.ok(verifyChain(rewritten).ok, 'the rewrite is internally consistent');
    const result = verifyAgainstCheckpoint(rewritten, checkpoint);
    t.same({ ok: result.ok, firstBadSeq: !result.ok && result.firstBadSeq }, { ok: false, firstBadSeq: 4 });
    t.match(!result.ok && result.reason, /history rewritten before the checkpoint: seq 4 has hash/);
  });

  t.test('a chain truncated below the checkpoint fails against it', async (t) => {
    const tenantId = await chainOf(5);
    const rows = await rowsOf(tenantId);
    const checkpoint = signCheckpoint({ tenantId, seq: 5, hash: rows[4]!.hash }, key.privateKey, 'audit-test-1');
    await asReplica(t, async (client) => {
      await client.query('DELETE FROM audit_events WHERE tenant_id = $1 AND seq >= 4', [tenantId]);
    });
    const result = verifyAgainstCheckpoint(await rowsOf(tenantId), checkpoint);
    t.same({ ok: result.ok, firstBadSeq: !result.ok && result.firstBadSeq }, { ok: false, firstBadSeq: 4 });
    t.match(!result.ok && result.reason, /chain truncated: .* covers seq 5, but the chain ends at seq 3/);
  });
});
