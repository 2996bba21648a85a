// The governance processor end to end: the real process, commands in through Kafka, events out
// through its outbox relay (ARCHITECTURE §4, §6, §7). Auto-executed, approved, dead-lettered and
// externally executed actions, each checked in Postgres and on the topics.
import t from 'tap';
import { ActionExecutionRequestedSchema, type ActionExecutionRequested } from '../../contracts/generated/action-execution-requested.ts';
import { ActionStateChangedSchema, type ActionStateChanged } from '../../contracts/generated/action-state-changed.ts';
import { AuditEventAppendedSchema, type AuditEventAppended } from '../../contracts/generated/audit-event-appended.ts';
import { OntologyChangedSchema, type OntologyChanged } from '../../contracts/generated/ontology-changed.ts';
import { AvroSerde } from '../../contracts/serde/index.ts';
import { dlqTopicOf } from '../../contracts/topics.ts';
import { auditRecordKey } from '../../runtime/audit/audit-chain.ts';
import { verifyChain } from '../../runtime/audit/verify-chain.ts';
import {
  actionDecision,
  actionProposed,
  actionResult,
  createGovernanceEnvironment,
  GovernanceProcess,
  produceCommands,
  readEvents,
  retried,
  waitForState,
  waitUntilIdle,
  type GovernanceEnvironment,
} from '../support/governance/governance-harness.ts';
import { readToEnd, type ReadRecord } from '../support/materializer/harness.ts';
import { schemaRegistryUrl } from '../support/services.ts';

/** The proposal's lifecycle events as published, in partition (= publication) order. */
async function lifecycleOf(env: GovernanceEnvironment, proposalId: string): Promise<(ActionStateChanged & { record: ReadRecord })[]> {
  const { unique } = await readEvents<ActionStateChanged>(env.topics.actionLifecycle, ActionStateChangedSchema);
  return unique.filter((e) => e.proposalId === proposalId).sort((a, b) => a.record.offset - b.record.offset);
}

const path = (events: readonly ActionStateChanged[]) => events.map((e) => `${e.from ?? '-'}>${e.to}`);

t.test('the governance processor through Kafka', async (t) => {
  const env = await createGovernanceEnvironment(t);
  const instance = GovernanceProcess.start(env, 'kafka-0');
  t.teardown(async () => {
    instance.kill('SIGKILL');
    await instance.exited;
  });
  await instance.ready();

  await t.test('a LOW action is auto-approved and executed; its lifecycle and audit events are published in order', async (t) => {
    const proposal = actionProposed(env, { actionType: 'set_pump_status', parameters: { status: 'stopped' }, targets: [{ objectType: 'Pump', objectId: 'p1' }] });
    await produceCommands(env, { proposals: [proposal] });
    const done = await waitForState(env, proposal.proposalId, ['EXECUTED', 'FAILED', 'REJECTED', 'STALE']);
    t.equal(done.state, 'EXECUTED', done.stateReason ?? '');
    const pump = await retried(() => env.fixture.object('Pump', 'p1'));
    t.equal(pump?.properties.status, 'stopped');
    t.equal(pump?.version, 2, 'the edit bumped the version once');

    await waitUntilIdle(env);
    const lifecycle = await lifecycleOf(env, proposal.proposalId);
    t.same(path(lifecycle), ['->PROPOSED', 'PROPOSED>SIMULATED', 'SIMULATED>APPROVED', 'APPROVED>EXECUTING', 'EXECUTING>EXECUTED'], 'PROPOSED, SIMULATED, APPROVED, EXECUTING, EXECUTED');
    t.ok(lifecycle.every((e) => e.record.key === `${env.tenantId}:${proposal.proposalId}`), 'keyed tenantId:proposalId');
    t.ok(lifecycle.every((e) => e.record.partition === lifecycle[0]!.record.partition), 'on one partition');
    t.match(lifecycle.at(-1)?.bindingHash, /^[0-9a-f]{64}$/);
    t.equal(lifecycle.at(-1)?.blastRadius, 'LOW');

    const audit = await readEvents<AuditEventAppended>(env.topics.auditEvents, AuditEventAppendedSchema);
    const mine = audit.unique.filter((e) => e.tenantId === env.tenantId);
    t.ok(mine.length >= 5, 'the transitions are audited');
    t.same(mine.map((e) => e.seq), mine.map((_, i) => i + 1), 'audit events on the topic with consecutive seq from 1');
    t.ok(mine.every((e, i) => i === 0 || e.prevHash === mine[i - 1]!.hash), 'each names the previous hash');
    t.ok(mine.every((e) => e.record.key === auditRecordKey(env.tenantId)), 'one key per tenant');
    const rows = await retried(() => env.fixture.auditRows());
    t.same(mine.map((e) => e.hash), rows.map((r) => r.hash), 'the topic carries the chain Postgres holds');
    t.ok(verifyChain(rows).ok, 'the chain verifies');
    const transitions = rows.filter((r) => r.eventType === 'ACTION_TRANSITION' && r.event.proposalId === proposal.proposalId).map((r) => r.event.to);
    t.same(transitions, ['PROPOSED', 'SIMULATED', 'APPROVED', 'EXECUTING', 'EXECUTED']);

    const changes = await readEvents<OntologyChanged>(env.topics.ontologyChanges, OntologyChangedSchema);
    const edits = changes.unique.filter((c) => c.proposalId === proposal.proposalId);
    t.equal(edits.length, 1, 'one ontology change, tagged with the proposal');
    t.equal(edits[0]?.version, 2);
  });

  await t.test('a HIGH action waits for two approvals bound to its hash, sent through Kafka, then executes', async (t) => {
    const proposal = actionProposed(env, {
      actionType: 'decommission_pump',
      parameters: { reason: 'end of life, replaced by p9' },
      targets: [{ objectType: 'Pump', objectId: 'p2' }, { objectType: 'Site', objectId: 's2' }],
    });
    await produceCommands(env, { proposals: [proposal] });
    const pending = await waitForState(env, proposal.proposalId, ['PENDING_APPROVAL', 'EXECUTED', 'FAILED', 'REJECTED', 'STALE']);
    t.equal(pending.state, 'PENDING_APPROVAL', pending.stateReason ?? '');
    await waitUntilIdle(env);
    const announced = (await lifecycleOf(env, proposal.proposalId)).find((e) => e.to === 'PENDING_APPROVAL');
    t.equal(announced?.blastRadius, 'HIGH');
    t.equal(announced?.bindingHash, pending.bindingHash, 'the lifecycle event carries the hash to approve');
    const hash = announced!.bindingHash!;

    await produceCommands(env, { decisions: [actionDecision(env, { proposalId: proposal.proposalId, decision: 'APPROVE', actor: 'alice', bindingHash: hash })] });
    await waitUntilIdle(env);
    t.equal((await retried(() => env.fixture.proposal(proposal.proposalId))).state, 'PENDING_APPROVAL', 'one approval is not enough');
    await produceCommands(env, { decisions: [actionDecision(env, { proposalId: proposal.proposalId, decision: 'APPROVE', actor: 'bob', bindingHash: hash })] });
    const done = await waitForState(env, proposal.proposalId, ['EXECUTED', 'FAILED', 'STALE']);
    t.equal(done.state, 'EXECUTED', done.stateReason ?? '');
    const pump = await retried(() => env.fixture.object('Pump', 'p2'));
    t.equal(pump?.properties.status, 'decommissioned');
    t.equal(pump?.properties.decommissionReason, 'end of life, replaced by p9');
    t.equal(pump?.version, 2);

    await waitUntilIdle(env);
    t.same(path(await lifecycleOf(env, proposal.proposalId)), [
      '->PROPOSED',
      'PROPOSED>SIMULATED',
      'SIMULATED>PENDING_APPROVAL',
      'PENDING_APPROVAL>APPROVED',
      'APPROVED>EXECUTING',
      'EXECUTING>EXECUTED',
    ]);
    const approvals = (await retried(() => env.fixture.auditRows())).filter((r) => r.eventType === 'APPROVAL_RECORDED' && r.event.proposalId === proposal.proposalId).map((r) => r.event.approver);
    t.same(approvals, ['alice', 'bob']);
    const changes = await readEvents<OntologyChanged>(env.topics.ontologyChanges, OntologyChangedSchema);
    t.same(changes.unique.filter((c) => c.proposalId === proposal.proposalId).map((c) => `${c.entityKind}:${c.op}`).sort(), ['LINK:DELETE', 'OBJECT:UPSERT'], 'the pump edit and the detached link');
  });

  await t.test('a proposal for an unknown action type and a decision for an unknown proposal are dead-lettered with their class', async (t) => {
    const proposal = actionProposed(env, { actionType: 'launch_rocket', parameters: {}, targets: [{ objectType: 'Pump', objectId: 'p3' }] });
    const decision = actionDecision(env, { proposalId: '00000000-0000-4000-8000-00000000abcd', decision: 'APPROVE', actor: 'alice', bindingHash: 'a'.repeat(64) });
    await produceCommands(env, { proposals: [proposal], decisions: [decision] });
    await waitUntilIdle(env);
    t.same((await retried(() => env.fixture.admin.query('SELECT 1 FROM action_proposals WHERE proposal_id = $1', [proposal.proposalId]))).rows, [], 'no proposal recorded');

    const serde = AvroSerde.connect(schemaRegistryUrl());
    const deadProposals = (await readToEnd(dlqTopicOf(env.topics.proposals))).filter((r) => r.key === `${env.tenantId}:${proposal.proposalId}`);
    t.equal(deadProposals.length, 1, 'the proposal is on the proposals DLQ once');
    t.equal(deadProposals[0]?.headers['dlq.error.class'], 'UNKNOWN_ACTION_TYPE');
    t.equal(deadProposals[0]?.headers['dlq.original.topic'], env.topics.proposals);
    t.match(deadProposals[0]?.headers['dlq.error.message'], /launch_rocket/);
    t.equal((await serde.decode<{ eventId: string }>(deadProposals[0]?.value)).value.eventId, proposal.eventId, 'with its original bytes');

    const deadDecisions = (await readToEnd(dlqTopicOf(env.topics.decisions))).filter((r) => r.key === `${env.tenantId}:${decision.proposalId}`);
    t.equal(deadDecisions.length, 1, 'the decision is on the decisions DLQ once');
    t.equal(deadDecisions[0]?.headers['dlq.error.class'], 'UNKNOWN_PROPOSAL');
    t.equal(deadDecisions[0]?.headers['dlq.original.topic'], env.topics.decisions);
    t.equal((await serde.decode<{ eventId: string }>(deadDecisions[0]?.value)).value.eventId, decision.eventId);
  });

  await t.test('an external effect is requested once on the execution-requests topic and finished by an ActionResult through Kafka', async (t) => {
    const proposal = actionProposed(env, {
      actionType: 'dispatch_technician',
      parameters: { role: 'lead', message: 'bring the seal kit' },
      targets: [{ objectType: 'WorkOrder', objectId: 'wo1' }, { objectType: 'Technician', objectId: 't1' }],
    });
    await produceCommands(env, { proposals: [proposal] });
    const pending = await waitForState(env, proposal.proposalId, ['PENDING_APPROVAL', 'EXECUTING', 'EXECUTED', 'FAILED', 'REJECTED', 'STALE']);
    t.equal(pending.state, 'PENDING_APPROVAL', pending.stateReason ?? '');
    const hash = pending.bindingHash!;
    await produceCommands(env, {
      decisions: ['alice', 'bob'].map((actor) => actionDecision(env, { proposalId: proposal.proposalId, decision: 'APPROVE', actor, bindingHash: hash })),
    });
    const executing = await waitForState(env, proposal.proposalId, ['EXECUTING', 'EXECUTED', 'FAILED', 'STALE']);
    t.equal(executing.state, 'EXECUTING', executing.stateReason ?? '');
    t.equal((await retried(() => env.fixture.object('WorkOrder', 'wo1')))?.properties.status, 'dispatched', 'the ontology edits are applied before the external effect');

    await waitUntilIdle(env);
    const requests = (await readEvents<ActionExecutionRequested>(env.topics.executionRequests, ActionExecutionRequestedSchema)).unique.filter((r) => r.proposalId === proposal.proposalId);
    t.equal(requests.length, 1, 'one ActionExecutionRequested');
    const request = requests[0]!;
    t.equal(request.executionId, executing.executionId);
    t.equal(request.bindingHash, hash);
    t.equal(request.actionType, 'dispatch_technician');
    t.same(JSON.parse(request.parameters), { role: 'lead', message: 'bring the seal kit' });
    t.equal(request.record.key, `${env.tenantId}:${proposal.proposalId}`);

    await produceCommands(env, { results: [actionResult(env, { proposalId: proposal.proposalId, executionId: request.executionId, bindingHash: request.bindingHash, status: 'SUCCEEDED', output: '{"jobId":"J-1"}' })] });
    const done = await waitForState(env, proposal.proposalId, ['EXECUTED', 'FAILED']);
    t.equal(done.state, 'EXECUTED', done.stateReason ?? '');
    await waitUntilIdle(env);
    t.same(path(await lifecycleOf(env, proposal.proposalId)).slice(-2), ['APPROVED>EXECUTING', 'EXECUTING>EXECUTED']);
    const rows = await retried(() => env.fixture.auditRows());
    t.ok(verifyChain(rows).ok, 'the chain still verifies');
    t.same(rows.filter((r) => r.eventType === 'ACTION_REFUSED').map((r) => r.event.code), [], 'nothing was refused');
  });
});
