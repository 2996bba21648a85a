// The governance state machine against real Postgres, through the processor's handlers:
// proposal -> simulation -> approvals bound to the hash -> execution, and every refusal on the
// record (ARCHITECTURE §6, §7).
import t from 'tap';
import { defaultTopicNames } from '../../contracts/topics.ts';
import { verifyChain } from '../../runtime/audit/verify-chain.ts';
import { createGovernanceFixture, type GovernanceFixture } from '../support/governance/fixture.ts';

const lifecycle = async (f: GovernanceFixture, proposalId: string) =>
  (await f.outbox(defaultTopicNames.actionLifecycle)).filter((r) => r.payload.proposalId === proposalId).map((r) => `${r.payload.from ?? '-'}>${r.payload.to}`);

const refusals = async (f: GovernanceFixture) => (await f.auditRows()).filter((r) => r.eventType === 'ACTION_REFUSED').map((r) => r.event.code);

t.test('a LOW action is simulated, auto-approved and executed in one step, audited and published', async (t) => {
  const f = await createGovernanceFixture(t);
  const { proposalId } = await f.propose({ actionType: 'set_pump_status', parameters: { status: 'stopped' }, targets: [{ objectType: 'Pump', objectId: 'p1' }] });
  const proposal = await f.proposal(proposalId);
  t.equal(proposal.state, 'EXECUTED');
  t.equal(proposal.blast_radius, 'LOW');
  t.match(proposal.binding_hash, /^[0-9a-f]{64}$/);
  const pump = await f.object('Pump', 'p1');
  t.equal(pump?.properties.status, 'stopped');
  t.equal(pump?.version, 2, 'the edit bumped the version once');
  t.same(await lifecycle(f, proposalId), ['->PROPOSED', 'PROPOSED>SIMULATED', 'SIMULATED>APPROVED', 'APPROVED>EXECUTING', 'EXECUTING>EXECUTED']);
  const changes = (await f.outbox(defaultTopicNames.ontologyChanges)).filter((r) => r.payload.proposalId === proposalId);
  t.equal(changes.length, 1, 'one ontology change, tagged with the proposal');
  const audit = await f.auditRows();
  t.same(verifyChain(audit).ok, true, 'the audit chain verifies');
  t.equal(audit.filter((r) => r.eventType === 'ACTION_TRANSITION' && r.event.proposalId === proposalId).length, 5);
});

t.test('proposals are idempotent by idempotency key', async (t) => {
  const f = await createGovernanceFixture(t);
  const first = await f.propose({ actionType: 'set_pump_status', idempotencyKey: 'once', parameters: { status: 'stopped' }, targets: [{ objectType: 'Pump', objectId: 'p1' }] });
  const again = await f.propose({ actionType: 'set_pump_status', idempotencyKey: 'once', parameters: { status: 'maintenance' }, targets: [{ objectType: 'Pump', objectId: 'p1' }] });
  t.same(again.outcome, { kind: 'duplicate' });
  t.equal((await f.object('Pump', 'p1'))?.properties.status, 'stopped', 'the retry changed nothing');
  t.equal((await f.proposal(first.proposalId)).state, 'EXECUTED');
});

t.test('invalid parameters and unknown targets are rejected with the reason, and audited', async (t) => {
  const f = await createGovernanceFixture(t);
  const bad = await f.propose({ actionType: 'set_pump_status', parameters: { status: 'exploded' }, targets: [{ objectType: 'Pump', objectId: 'p1' }] });
  const badState = await f.proposal(bad.proposalId);
  t.equal(badState.state, 'REJECTED');
  t.match(badState.state_reason, /invalid parameters/);
  const missing = await f.propose({ actionType: 'set_pump_status', parameters: { status: 'stopped' }, targets: [{ objectType: 'Pump', objectId: 'nope' }] });
  const missingState = await f.proposal(missing.proposalId);
  t.equal(missingState.state, 'REJECTED');
  t.match(missingState.state_reason, /TARGET_NOT_FOUND/);
  t.equal((await f.object('Pump', 'p1'))?.version, 1, 'nothing was edited');
  t.ok(verifyChain(await f.auditRows()).ok);
});

t.test('a HIGH action needs two distinct approvers bound to the current hash, never the proposer or a role the policy does not allow', async (t) => {
  const f = await createGovernanceFixture(t);
  const { proposalId } = await f.propose({ actionType: 'decommission_pump', parameters: { reason: 'end of life, replaced by p9' }, targets: [{ objectType: 'Pump', objectId: 'p2' }, { objectType: 'Site', objectId: 's2' }], proposedBy: 'agent:planner' });
  const pending = await f.proposal(proposalId);
  t.equal(pending.state, 'PENDING_APPROVAL');
  t.equal(pending.blast_radius, 'HIGH');
  const hash = pending.binding_hash!;

  await f.decide({ proposalId, decision: 'APPROVE', actor: 'agent:planner', actorRoles: ['approver'], bindingHash: hash });
  await f.decide({ proposalId, decision: 'APPROVE', actor: 'viewer-vic', actorRoles: ['viewer'], bindingHash: hash });
  await f.decide({ proposalId, decision: 'APPROVE', actor: 'alice', actorRoles: ['approver'], bindingHash: 'f'.repeat(64) });
  await f.decide({ proposalId, decision: 'APPROVE', actor: 'alice', actorRoles: ['approver'], bindingHash: null });
  t.same(await refusals(f), ['SELF_APPROVAL', 'ROLE_NOT_ALLOWED', 'STALE_HASH', 'STALE_HASH'], 'each refusal is audited with its reason');
  t.equal((await f.proposal(proposalId)).state, 'PENDING_APPROVAL');

  await f.decide({ proposalId, decision: 'APPROVE', actor: 'alice', actorRoles: ['approver'], bindingHash: hash });
  await f.decide({ proposalId, decision: 'APPROVE', actor: 'alice', actorRoles: ['approver'], bindingHash: hash });
  t.equal((await f.proposal(proposalId)).state, 'PENDING_APPROVAL', 'the same approver twice counts once');
  await f.decide({ proposalId, decision: 'APPROVE', actor: 'bob', actorRoles: ['approver'], bindingHash: hash });
  t.equal((await f.proposal(proposalId)).state, 'EXECUTED');
  const pump = await f.object('Pump', 'p2');
  t.equal(pump?.properties.status, 'decommissioned');
  t.equal(pump?.properties.decommissionReason, 'end of life, replaced by p9');
  const link = await f.admin.query(
    `SELECT l.deleted_at IS NOT NULL AS deleted FROM links l JOIN objects o ON o.tenant_id = l.tenant_id AND o.id = l.from_object_id WHERE l.tenant_id = $1 AND o.external_id = 'p2'`,
    [f.tenantId],
  );
  t.equal(link.rows[0]?.deleted, true, 'the pump was detached from its site');
  t.ok(verifyChain(await f.auditRows()).ok);
});

t.test('a target modified between approval and execution makes the proposal STALE and edits nothing', async (t) => {
  const f = await createGovernanceFixture(t);
  const { proposalId } = await f.propose({ actionType: 'decommission_pump', parameters: { reason: 'flooded beyond repair' }, targets: [{ objectType: 'Pump', objectId: 'p3' }, { objectType: 'Site', objectId: 's3' }] });
  const hash = (await f.proposal(proposalId)).binding_hash!;
  await f.decide({ proposalId, decision: 'APPROVE', actor: 'alice', bindingHash: hash });
  await f.touch('Pump', 'p3', { status: 'maintenance' });
  await f.decide({ proposalId, decision: 'APPROVE', actor: 'bob', bindingHash: hash });
  const stale = await f.proposal(proposalId);
  t.equal(stale.state, 'STALE');
  t.match(stale.state_reason, /Pump\/p3 was v1, is v2/);
  const pump = await f.object('Pump', 'p3');
  t.equal(pump?.properties.status, 'maintenance', 'the action edited nothing');
  t.equal((await f.outbox(defaultTopicNames.ontologyChanges)).filter((r) => r.payload.proposalId === proposalId).length, 0);
});

t.test('cancel by the proposer, refusal for anyone else, reject by an approver', async (t) => {
  const f = await createGovernanceFixture(t);
  const one = await f.propose({ actionType: 'decommission_pump', parameters: { reason: 'cancel me please' }, targets: [{ objectType: 'Pump', objectId: 'p4' }, { objectType: 'Site', objectId: 's1' }] });
  await f.decide({ proposalId: one.proposalId, decision: 'CANCEL', actor: 'mallory', actorRoles: ['viewer'] });
  t.equal((await f.proposal(one.proposalId)).state, 'PENDING_APPROVAL');
  await f.decide({ proposalId: one.proposalId, decision: 'CANCEL', actor: 'agent:planner', actorRoles: [] });
  t.equal((await f.proposal(one.proposalId)).state, 'CANCELLED');
  await f.decide({ proposalId: one.proposalId, decision: 'APPROVE', actor: 'alice', bindingHash: (await f.proposal(one.proposalId)).binding_hash });
  const two = await f.propose({ actionType: 'decommission_pump', parameters: { reason: 'reject me please' }, targets: [{ objectType: 'Pump', objectId: 'p5' }, { objectType: 'Site', objectId: 's2' }] });
  await f.decide({ proposalId: two.proposalId, decision: 'REJECT', actor: 'alice', reason: 'not now' });
  t.equal((await f.proposal(two.proposalId)).state, 'REJECTED');
  t.same(await refusals(f), ['NOT_ALLOWED', 'NOT_AWAITING_APPROVAL']);
});

t.test('open proposals expire, and a late approval is refused', async (t) => {
  const f = await createGovernanceFixture(t);
  const { proposalId } = await f.propose({ actionType: 'decommission_pump', parameters: { reason: 'wait too long' }, targets: [{ objectType: 'Pump', objectId: 'p6' }, { objectType: 'Site', objectId: 's3' }], expiresAt: f.now + 60_000 });
  const hash = (await f.proposal(proposalId)).binding_hash!;
  f.now += 61_000;
  t.equal(await f.sweep(), 1);
  t.equal((await f.proposal(proposalId)).state, 'EXPIRED');
  await f.decide({ proposalId, decision: 'APPROVE', actor: 'alice', bindingHash: hash });
  t.equal((await f.proposal(proposalId)).state, 'EXPIRED');
  t.same(await refusals(f), ['NOT_AWAITING_APPROVAL']);
});

t.test('an external effect is requested on approval and finished by a matching ActionResult', async (t) => {
  const f = await createGovernanceFixture(t);
  const propose = () => f.propose({ actionType: 'dispatch_technician', parameters: { role: 'lead', message: 'bring the seal kit' }, targets: [{ objectType: 'WorkOrder', objectId: 'wo1' }, { objectType: 'Technician', objectId: 't1' }] });
  const { proposalId } = await propose();
  const hash = (await f.proposal(proposalId)).binding_hash!;
  await f.decide({ proposalId, decision: 'APPROVE', actor: 'alice', bindingHash: hash });
  await f.decide({ proposalId, decision: 'APPROVE', actor: 'bob', bindingHash: hash });
  const executing = await f.proposal(proposalId);
  t.equal(executing.state, 'EXECUTING');
  const requests = (await f.outbox(defaultTopicNames.executionRequests)).filter((r) => r.payload.proposalId === proposalId);
  t.equal(requests.length, 1);
  t.equal(requests[0]?.payload.executionId, executing.execution_id);
  t.equal(requests[0]?.payload.bindingHash, hash);
  await f.result({ proposalId, executionId: '00000000-0000-4000-8000-000000000000', status: 'SUCCEEDED', bindingHash: hash });
  await f.result({ proposalId, executionId: executing.execution_id!, status: 'SUCCEEDED', bindingHash: 'e'.repeat(64) });
  t.equal((await f.proposal(proposalId)).state, 'EXECUTING');
  await f.result({ proposalId, executionId: executing.execution_id!, status: 'SUCCEEDED', bindingHash: hash });
  t.equal((await f.proposal(proposalId)).state, 'EXECUTED');
  await f.result({ proposalId, executionId: executing.execution_id!, status: 'SUCCEEDED', bindingHash: hash });
  t.same(await refusals(f), ['UNKNOWN_EXECUTION', 'STALE_HASH', 'NOT_EXECUTING']);
  t.ok(verifyChain(await f.auditRows()).ok);
});

/** The assignedTo links of work order wo1: `<technician>` for a live one, `<technician> deleted` otherwise. */
const assignments = async (f: GovernanceFixture): Promise<string[]> => {
  const { rows } = await f.admin.query<{ line: string }>(
    `SELECT t.external_id || CASE WHEN l.deleted_at IS NULL THEN '' ELSE ' deleted' END AS line
     FROM links l JOIN link_types lt ON lt.id = l.link_type_id AND lt.name = 'assignedTo'
     JOIN objects f ON f.id = l.from_object_id AND f.external_id = 'wo1' JOIN objects t ON t.id = l.to_object_id
     WHERE l.tenant_id = $1 ORDER BY t.external_id`,
    [f.tenantId],
  );
  return rows.map((row) => row.line);
};

const dispatch = async (f: GovernanceFixture, technician: string) => {
  const { proposalId } = await f.propose({
    actionType: 'dispatch_technician',
    parameters: { role: 'lead', message: 'bring the seal kit' },
    targets: [{ objectType: 'WorkOrder', objectId: 'wo1' }, { objectType: 'Technician', objectId: technician }],
  });
  const hash = (await f.proposal(proposalId)).binding_hash!;
  return { proposalId, hash, approve: async () => {
    await f.decide({ proposalId, decision: 'APPROVE', actor: 'alice', bindingHash: hash });
    await f.decide({ proposalId, decision: 'APPROVE', actor: 'bob', bindingHash: hash });
  } };
};

t.test('a governed link into a to-one slot supersedes the holder: the approvers see it, and the old link is deleted and published (ADR 0008)', async (t) => {
  const f = await createGovernanceFixture(t);
  const first = await dispatch(f, 't1');
  await first.approve();
  t.same(await assignments(f), ['t1'], 'wo1 is assigned to t1');

  const second = await dispatch(f, 't2');
  const simulation = (await f.proposal(second.proposalId)).simulation as { diff: { op: string; to?: { objectId: string } }[] };
  const linkOps = simulation.diff.filter((d) => d.op.endsWith('_link')).map((d) => `${d.op} ${d.to?.objectId}`);
  t.same(linkOps, ['delete_link t1', 'create_link t2'], 'the diff the approvers bind shows the reassignment');
  await second.approve();
  t.equal((await f.proposal(second.proposalId)).state, 'EXECUTING', 'edits applied, the external dispatch requested');
  t.same(await assignments(f), ['t1 deleted', 't2'], 'assignedTo is many_to_one: one live link, the old one deleted');
  const changes = (await f.outbox(defaultTopicNames.ontologyChanges)).filter((r) => r.payload.proposalId === second.proposalId);
  const linkChanges = changes.filter((r) => r.payload.entityKind === 'LINK');
  t.same(linkChanges.map((r) => `${r.payload.op} ${r.payload.entityId}`), ['DELETE assignedTo/WorkOrder/wo1/Technician/t1', 'UPSERT assignedTo/WorkOrder/wo1/Technician/t2'], 'both changes published, tagged with the proposal');
});

t.test('a to-one slot taken after the simulation fails the execution and creates nothing', async (t) => {
  const f = await createGovernanceFixture(t);
  const pending = await dispatch(f, 't1');
  t.equal((await f.proposal(pending.proposalId)).state, 'PENDING_APPROVAL');
  // L2 assigns t2 meanwhile (the objects' versions do not move: links are not part of them).
  await f.admin.query(
    `INSERT INTO links (tenant_id, link_type_id, from_object_type_id, from_object_id, to_object_type_id, to_object_id, properties, source_version)
     SELECT $1, lt.id, f.object_type_id, f.id, t.object_type_id, t.id, '{"role":"lead"}', 1
     FROM link_types lt, objects f, objects t
     WHERE lt.tenant_id = $1 AND lt.name = 'assignedTo' AND f.tenant_id = $1 AND f.external_id = 'wo1' AND t.tenant_id = $1 AND t.external_id = 't2'`,
    [f.tenantId],
  );
  await pending.approve();
  const failed = await f.proposal(pending.proposalId);
  t.equal(failed.state, 'FAILED');
  t.match(failed.state_reason, /its to-one slot is held by the assignedTo link WorkOrder\/wo1 -> Technician\/t2, which arrived after the simulation/);
  t.same(await assignments(f), ['t2'], 'no second live assignment');
  t.ok(verifyChain(await f.auditRows()).ok);
});

t.test('a pending link holds its to-one slot too: a governed link into it fails rather than leave two holders once the endpoint arrives', async (t) => {
  const f = await createGovernanceFixture(t);
  const pending = await dispatch(f, 't1');
  // L2 assigned wo1 to a technician L3 has not seen yet: the link waits in pending_links.
  await f.admin.query(
    `INSERT INTO pending_links (tenant_id, link_type_id, from_object_type_id, from_external_id, to_object_type_id, to_external_id, properties, source_version)
     SELECT $1, lt.id, lt.from_object_type_id, 'wo1', lt.to_object_type_id, 't-new', '{"role":"lead"}', 1
     FROM link_types lt WHERE lt.tenant_id = $1 AND lt.name = 'assignedTo'`,
    [f.tenantId],
  );
  await pending.approve();
  const failed = await f.proposal(pending.proposalId);
  t.equal(failed.state, 'FAILED');
  t.match(failed.state_reason, /held by the assignedTo link WorkOrder\/wo1 -> Technician\/t-new \(waiting for an endpoint\)/);
  t.same(await assignments(f), [], 'nothing created');
});
