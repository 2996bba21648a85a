// The tool catalog, proposals with their approvals and history, audit events and the chain
// verification, as a caller with a governance role reads them.
import t from 'tap';
import { GENESIS_HASH } from '../../runtime/audit/audit-chain.ts';
import { connect } from '../support/database.ts';
import { startGateway } from '../support/gateway/gateway-harness.ts';
import { tokenFor } from '../support/gateway/tokens.ts';
import { seedTwoTenants, TENANT_A } from '../support/gateway/two-tenants.ts';

const seeded = await seedTwoTenants(t);
const gateway = await startGateway(t, seeded.db.gateway);
const viewer = await tokenFor(TENANT_A, ['viewer']);
const operator = await tokenFor(TENANT_A, ['operator']);
const approver = await tokenFor(TENANT_A, ['approver']);
// seedGovernance: 1 TENANT_SEEDED event + 3 + 5 + 2 transitions.
const CHAIN_LENGTH = 11;

t.test('tools lists the latest version of each tool, or every version', async (t) => {
  const response = await gateway.query(
    viewer,
    '{ latest: tools { name version description parameterSchema effects effectKind irreversible baseRisk createdAt } all: tools(allVersions: true) { name version } one: tools(name: "pump.restart", allVersions: true) { version } none: tools(name: "nope") { name } }',
  );
  t.same(response.codes, []);
  const { latest, all, one, none } = response.body.data!;
  t.same(latest.map((tool: any) => `${tool.name}@${tool.version}`), ['customer.update_email@1', 'pump.restart@2']);
  t.same(latest[1].parameterSchema, { type: 'object', required: ['reason'], properties: { reason: { type: 'string', maxLength: 200 } } });
  t.same(latest[1].effectKind, 'ONTOLOGY_EDIT');
  t.same(latest[1].baseRisk, 'MEDIUM');
  t.equal(latest[1].irreversible, false);
  t.same(all.map((tool: any) => `${tool.name}@${tool.version}`), ['customer.update_email@1', 'pump.restart@1', 'pump.restart@2']);
  t.same(one, [{ version: 1 }, { version: 2 }]);
  t.same(none, []);
});

const PROPOSAL = `query P($id: ID!) { proposal(id: $id) {
  id actionType actionTypeVersion state stateReason blastRadius bindingHash proposedBy rationale parameters targets simulation expiresAt version
  tool { name version }
  approvals { approver roles bindingHash current reason decidedAt expiresAt }
  history { seq from to actor reason occurredAt }
} }`;

t.test('proposal shows approvals (current or not) and the state history from the audit chain', async (t) => {
  const [pending, executed, rejected] = seeded.proposals.A;
  const response = await gateway.query(operator, PROPOSAL, { id: pending });
  t.same(response.codes, []);
  const proposal = response.body.data!.proposal;
  t.equal(proposal.id, pending);
  t.equal(proposal.state, 'PENDING_APPROVAL');
  t.equal(proposal.blastRadius, 'MEDIUM');
  t.same(proposal.parameters, { reason: 'a reason 0' });
  t.same(proposal.targets, [{ objectType: 'Pump', objectId: 'p-1' }]);
  t.same(proposal.tool, { name: 'pump.restart', version: 1 });
  t.same(
    proposal.approvals.map((a: any) => [a.approver, a.current, a.roles]),
    [
      ['user:a-approver-1', true, ['approver']],
      ['user:a-approver-2', false, ['approver']],
    ],
    'the approval with an old binding hash does not count',
  );
  t.equal(proposal.approvals[0].bindingHash, proposal.bindingHash);
  t.same(
    proposal.history.map((h: any) => [h.from, h.to]),
    [
      [null, 'PROPOSED'],
      ['PROPOSED', 'SIMULATED'],
      ['SIMULATED', 'PENDING_APPROVAL'],
    ],
  );
  t.ok(proposal.history.every((h: any, i: number) => i === 0 || h.seq > proposal.history[i - 1].seq), 'in seq order');
  t.equal(proposal.history[0].actor, 'actor:a-1');

  const done = (await gateway.query(approver, PROPOSAL, { id: executed })).body.data!.proposal;
  t.same(done.history.map((h: any) => h.to), ['PROPOSED', 'SIMULATED', 'APPROVED', 'EXECUTING', 'EXECUTED']);
  t.same(done.approvals, []);
  const refused = (await gateway.query(operator, PROPOSAL, { id: rejected })).body.data!.proposal;
  t.same([refused.state, refused.stateReason, refused.blastRadius, refused.bindingHash, refused.simulation], ['REJECTED', 'invalid parameters', null, null, null]);

  t.same((await gateway.query(operator, PROPOSAL, { id: '00000000-0000-4000-8000-000000000000' })).body.data, { proposal: null });
  t.same((await gateway.query(operator, PROPOSAL, { id: 'not-a-uuid' })).body.data, { proposal: null });
});

t.test('proposals pages newest first and filters by state; approvals and history load in batches', async (t) => {
  const [pending, executed, rejected] = seeded.proposals.A;
  const query = 'query Q($state: ProposalState, $first: Int, $after: String) { proposals(state: $state, first: $first, after: $after) { nodes { id state approvals { approver } history { to } } pageInfo { hasNextPage endCursor } } }';
  const before = await gateway.dbQueries();
  const all = await gateway.query(operator, query, {});
  t.same(all.body.data!.proposals.nodes.map((p: any) => p.id), [rejected, executed, pending], 'created 8, 9 and 10 minutes ago');
  t.ok((await gateway.dbQueries()) - before <= 3, 'one statement for the page, one for all approvals, one for all histories');
  const first = await gateway.query(operator, query, { first: 2 });
  t.equal(first.body.data!.proposals.pageInfo.hasNextPage, true);
  const second = await gateway.query(operator, query, { first: 2, after: first.body.data!.proposals.pageInfo.endCursor });
  t.same(second.body.data!.proposals.nodes.map((p: any) => p.id), [pending]);
  t.equal(second.body.data!.proposals.pageInfo.hasNextPage, false);
  const executedOnly = await gateway.query(operator, query, { state: 'EXECUTED' });
  t.same(executedOnly.body.data!.proposals.nodes.map((p: any) => p.id), [executed]);
  t.same((await gateway.query(operator, query, { after: 'bogus' })).codes, ['BAD_USER_INPUT']);
});

t.test('auditEvents pages the chain in either direction', async (t) => {
  const query = 'query A($first: Int, $after: String, $order: SortDirection) { auditEvents(first: $first, after: $after, order: $order) { nodes { seq eventType event hash prevHash occurredAt } pageInfo { hasNextPage endCursor } } }';
  const seqs: number[] = [];
  let after: string | null = null;
  let previousHash = GENESIS_HASH;
  for (;;) {
    const response = await gateway.query(operator, query, { first: 4, after });
    const connection = response.body.data!.auditEvents;
    for (const event of connection.nodes) {
      t.equal(event.prevHash, previousHash, `seq ${event.seq} links to the one before`);
      previousHash = event.hash;
      seqs.push(event.seq);
    }
    if (!connection.pageInfo.hasNextPage) break;
    after = connection.pageInfo.endCursor;
  }
  t.same(seqs, Array.from({ length: CHAIN_LENGTH }, (_, i) => i + 1));
  const newest = await gateway.query(operator, query, { first: 3, order: 'DESC' });
  t.same(newest.body.data!.auditEvents.nodes.map((e: any) => e.seq), [11, 10, 9]);
  const older = await gateway.query(operator, query, { first: 3, order: 'DESC', after: newest.body.data!.auditEvents.pageInfo.endCursor });
  t.same(older.body.data!.auditEvents.nodes.map((e: any) => e.seq), [8, 7, 6]);
  const mixed = await gateway.query(operator, query, { first: 3, order: 'ASC', after: newest.body.data!.auditEvents.pageInfo.endCursor });
  t.same(mixed.codes, ['BAD_USER_INPUT'], 'a DESC cursor is refused for ASC');
  const first = (await gateway.query(operator, query, { first: 1 })).body.data!.auditEvents.nodes[0];
  t.same(first.eventType, 'TENANT_SEEDED');
  t.same(first.event, { tenantId: TENANT_A, label: 'a' });
});

t.test('auditChain verifies the chain, and names the first row after tampering', async (t) => {
  const query = '{ auditChain { ok length headSeq headHash firstBadSeq reason } auditEvents(order: DESC, first: 1) { nodes { seq hash } } }';
  const intact = await gateway.query(approver, query);
  t.same(intact.codes, []);
  const head = intact.body.data!.auditEvents.nodes[0];
  t.same(intact.body.data!.auditChain, { ok: true, length: CHAIN_LENGTH, headSeq: CHAIN_LENGTH, headHash: head.hash, firstBadSeq: null, reason: null });

  // Tamper as the superuser (row-level security does not stop it; the chain shows it), then restore.
  const admin = await connect(t, seeded.db.admin);
  const { rows } = await admin.query<{ event: unknown; hash: string }>('SELECT event, hash FROM audit_events WHERE tenant_id = $1 AND seq = 5', [TENANT_A]);
  await admin.query(`UPDATE audit_events SET event = event || '{"actor": "mallory"}' WHERE tenant_id = $1 AND seq = 5`, [TENANT_A]);
  try {
    const broken = (await gateway.query(operator, query)).body.data!.auditChain;
    t.equal(broken.ok, false);
    t.equal(broken.firstBadSeq, 5);
    t.equal(broken.length, 4);
    t.equal(broken.headSeq, 4);
    t.match(broken.reason, /altered/);
  } finally {
    await admin.query('UPDATE audit_events SET event = $2 WHERE tenant_id = $1 AND seq = 5', [TENANT_A, JSON.stringify(rows[0]!.event)]);
  }
  t.equal((await gateway.query(operator, query)).body.data!.auditChain.ok, true, 'verifies again once restored');
});

t.test('the chain is verified across pages the same way as in one', async (t) => {
  const { verifyTenantChain } = await import('../../gateway/audit/chain-verification.ts');
  const { TenantTransaction } = await import('../../gateway/tenant-transaction.ts');
  const pg = (await import('pg')).default;
  const pool = new pg.Pool({ connectionString: seeded.db.gateway, max: 1 });
  t.teardown(() => pool.end());
  const results = [];
  for (const pageSize of [1, 2, 3, 11, 100]) {
    const db = new TenantTransaction({ pool, tenantId: TENANT_A, statementTimeoutMs: 5000, logger: console });
    results.push(await verifyTenantChain(db, pageSize));
    await db.finish('commit');
  }
  t.ok(results.every((result) => result.ok && result.length === CHAIN_LENGTH && result.headSeq === CHAIN_LENGTH));
});
