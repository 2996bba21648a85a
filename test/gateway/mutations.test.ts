// propose, approve, reject and cancel against the real Kafka and registry: each mutation puts
// exactly the expected Avro command on its topic (read back and decoded with the serde), bad
// input and missing roles produce nothing (the topic's end offset does not move), and `wait`
// returns once the command shows in Postgres or answers TIMEOUT.
import t from 'tap';
import { proposalIdFor } from '../../gateway/commands/index.ts';
import { parseTraceparent } from '../../runtime/trace-context.ts';
import { connect } from '../support/database.ts';
import { createCommandTopics, endOffset, readDecisions, readProposals } from '../support/gateway/command-topics.ts';
import { startGateway } from '../support/gateway/gateway-harness.ts';
import { tokenFor } from '../support/gateway/tokens.ts';
import { seedTwoTenants, TENANT_A, TENANT_B } from '../support/gateway/two-tenants.ts';

const seeded = await seedTwoTenants(t);
const topics = await createCommandTopics();
const WAIT_MS = 1500;
const gateway = await startGateway(t, seeded.db.gateway, { ...topics.env, GATEWAY_WAIT_TIMEOUT_MS: String(WAIT_MS) });
const operator = await tokenFor(TENANT_A, ['operator'], 'agent:planner');
const approver = await tokenFor(TENANT_A, ['approver'], 'user:alice');
const admin = await tokenFor(TENANT_A, ['admin'], 'user:root');
const viewer = await tokenFor(TENANT_A, ['viewer'], 'user:viewer');
const [pendingA] = seeded.proposals.A;
const [pendingB] = seeded.proposals.B;
const HASH = 'ab'.repeat(32);

const PROPOSE = `mutation P($input: ProposeInput!, $wait: Boolean) { propose(input: $input, wait: $wait) { proposalId accepted idempotencyKey state refusal } }`;
const APPROVE = `mutation A($id: ID!, $hash: String!, $reason: String, $key: String, $wait: Boolean) { approve(proposalId: $id, bindingHash: $hash, reason: $reason, idempotencyKey: $key, wait: $wait) { proposalId accepted idempotencyKey state refusal } }`;
const REJECT = `mutation R($id: ID!, $reason: String) { reject(proposalId: $id, reason: $reason) { proposalId accepted } }`;
const CANCEL = `mutation C($id: ID!, $reason: String) { cancel(proposalId: $id, reason: $reason) { proposalId accepted } }`;
const input = (overrides: Record<string, unknown> = {}) => ({
  actionType: 'pump.restart',
  targets: [{ type: 'Pump', id: 'p-1' }],
  parameters: { reason: 'vibration' },
  rationale: 'vibration above limit',
  ...overrides,
});

t.test('propose produces one ActionProposed: the token is the proposer, keyed tenant:proposal, with a child traceparent', async (t) => {
  const before = await endOffset(topics.proposals);
  const parent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
  const response = await gateway.post(operator, { query: PROPOSE, variables: { input: input({ actionTypeVersion: 2 }) } }, { traceparent: parent });
  t.same(response.codes, []);
  const receipt = response.body.data!.propose;
  t.equal(receipt.accepted, true);
  t.same([receipt.state, receipt.refusal], [null, null]);
  t.equal(await endOffset(topics.proposals), before + 1, 'exactly one record');
  const record = (await readProposals(topics.proposals)).at(-1)!;
  t.match(record, {
    tenantId: TENANT_A,
    proposalId: receipt.proposalId,
    idempotencyKey: receipt.idempotencyKey,
    actionType: 'pump.restart',
    actionTypeVersion: 2,
    targets: [{ objectType: 'Pump', objectId: 'p-1' }],
    proposedBy: 'agent:planner',
    rationale: 'vibration above limit',
    expiresAt: null,
  });
  t.same(JSON.parse(record.parameters), { reason: 'vibration' });
  t.equal(record.idempotencyKey, record.proposalId, 'no key given: the proposal id is the key');
  t.equal(record.record.key, `${TENANT_A}:${receipt.proposalId}`);
  const trace = parseTraceparent(record.record.headers.traceparent);
  t.equal(trace?.traceId, '4bf92f3577b34da6a3ce929d0e0e4736', 'continues the caller\'s trace');
  t.not(trace?.parentId, '00f067aa0ba902b7', 'as a child span');
});

t.test('an idempotency key names the same proposal every time', async (t) => {
  const first = await gateway.query(operator, PROPOSE, { input: input({ idempotencyKey: 'retry-me' }) });
  const second = await gateway.query(operator, PROPOSE, { input: input({ idempotencyKey: 'retry-me' }) });
  t.equal(first.body.data!.propose.proposalId, proposalIdFor(TENANT_A, 'retry-me'));
  t.equal(second.body.data!.propose.proposalId, first.body.data!.propose.proposalId);
  t.equal(first.body.data!.propose.idempotencyKey, 'retry-me');
  const [a, b] = (await readProposals(topics.proposals)).slice(-2);
  t.same([a!.idempotencyKey, b!.idempotencyKey, a!.proposalId], ['retry-me', 'retry-me', b!.proposalId]);
});

t.test('approve, reject and cancel produce ActionDecisions with the token\'s subject and roles', async (t) => {
  const before = await endOffset(topics.decisions);
  const approved = await gateway.query(approver, APPROVE, { id: pendingA, hash: HASH, reason: 'fine', key: 'approve-once' });
  t.same(approved.codes, []);
  t.same(approved.body.data!.approve.idempotencyKey, 'approve-once');
  const rejected = await gateway.query(admin, REJECT, { id: pendingA, reason: 'no' });
  t.same(rejected.codes, []);
  const proposer = await tokenFor(TENANT_A, ['operator'], 'agent:a');
  const cancelled = await gateway.query(proposer, CANCEL, { id: pendingA, reason: 'withdrawn' });
  t.same(cancelled.codes, []);
  t.equal(await endOffset(topics.decisions), before + 3);
  const [approve, reject, cancel] = (await readDecisions(topics.decisions)).slice(-3);
  t.match(approve, { tenantId: TENANT_A, proposalId: pendingA, decision: 'APPROVE', actor: 'user:alice', actorRoles: ['approver'], bindingHash: HASH, reason: 'fine' });
  t.equal(approve!.record.key, `${TENANT_A}:${pendingA}`);
  t.ok(parseTraceparent(approve!.record.headers.traceparent), 'a valid traceparent');
  t.match(reject, { decision: 'REJECT', actor: 'user:root', actorRoles: ['admin'], bindingHash: null, reason: 'no' });
  t.match(cancel, { decision: 'CANCEL', actor: 'agent:a', actorRoles: ['operator'], reason: 'withdrawn' });

  const again = await gateway.query(approver, APPROVE, { id: pendingA, hash: HASH, reason: 'fine', key: 'approve-once' });
  const repeat = (await readDecisions(topics.decisions)).at(-1)!;
  t.equal(repeat.eventId, approve!.eventId, 'the same key gives the same eventId, which the processor applies once');
  t.same(again.codes, []);
});

t.test('bad input is BAD_USER_INPUT and produces nothing', async (t) => {
  const proposals = await endOffset(topics.proposals);
  const decisions = await endOffset(topics.decisions);
  const cases: [string, string, Record<string, unknown>][] = [
    ['parameters not an object', PROPOSE, { input: input({ parameters: [1, 2] }) }],
    ['parameters a string', PROPOSE, { input: input({ parameters: 'x' }) }],
    ['bad action type', PROPOSE, { input: input({ actionType: 'drop table' }) }],
    ['bad target type', PROPOSE, { input: input({ targets: [{ type: '1Pump', id: 'p-1' }] }) }],
    ['empty target id', PROPOSE, { input: input({ targets: [{ type: 'Pump', id: '' }] }) }],
    ['target without id', PROPOSE, { input: input({ targets: [{ type: 'Pump' }] }) }],
    ['version 0', PROPOSE, { input: input({ actionTypeVersion: 0 }) }],
    ['empty idempotency key', PROPOSE, { input: input({ idempotencyKey: '' }) }],
    ['proposal id not a UUID', APPROVE, { id: 'nope', hash: HASH }],
    ['hash not hex', APPROVE, { id: pendingA, hash: 'zz'.repeat(32) }],
    ['hash upper case', APPROVE, { id: pendingA, hash: HASH.toUpperCase() }],
    ['hash too short', APPROVE, { id: pendingA, hash: 'ab' }],
    ['reject of a non-UUID', REJECT, { id: '123' }],
  ];
  for (const [name, query, variables] of cases) {
    const response = await gateway.query(admin, query, variables);
    t.same(response.codes, ['BAD_USER_INPUT'], name);
  }
  t.equal(await endOffset(topics.proposals), proposals, 'no proposal produced');
  t.equal(await endOffset(topics.decisions), decisions, 'no decision produced');
});

t.test('roles: viewers may do nothing, operators may not decide, cancel is for the proposer or an admin', async (t) => {
  const proposals = await endOffset(topics.proposals);
  const decisions = await endOffset(topics.decisions);
  t.same((await gateway.query(viewer, PROPOSE, { input: input() })).codes, ['FORBIDDEN']);
  t.same((await gateway.query(viewer, APPROVE, { id: pendingA, hash: HASH })).codes, ['FORBIDDEN']);
  t.same((await gateway.query(viewer, CANCEL, { id: pendingA })).codes, ['FORBIDDEN']);
  t.same((await gateway.query(approver, PROPOSE, { input: input() })).codes, ['FORBIDDEN'], 'approvers do not propose');
  t.same((await gateway.query(operator, APPROVE, { id: pendingA, hash: HASH })).codes, ['FORBIDDEN'], 'operators do not approve');
  t.same((await gateway.query(operator, REJECT, { id: pendingA })).codes, ['FORBIDDEN']);
  t.same((await gateway.query(operator, CANCEL, { id: pendingA })).codes, ['FORBIDDEN'], 'not the proposer');
  t.same((await gateway.query(operator, CANCEL, { id: pendingB })).codes, ['NOT_FOUND'], "another tenant's proposal is not there");
  t.same((await gateway.query(undefined, PROPOSE, { input: input() })).codes, ['UNAUTHENTICATED']);
  t.equal(await endOffset(topics.proposals), proposals, 'no proposal produced');
  t.equal(await endOffset(topics.decisions), decisions, 'no decision produced');
  t.same((await gateway.query(admin, CANCEL, { id: pendingA })).codes, [], 'an admin may cancel');
});

t.test('a mutation on tenant B\'s token is produced for tenant B only', async (t) => {
  const tokenB = await tokenFor(TENANT_B, ['approver'], 'user:bob');
  await gateway.query(tokenB, APPROVE, { id: pendingB, hash: HASH });
  const last = (await readDecisions(topics.decisions)).at(-1)!;
  t.same([last.tenantId, last.proposalId, last.record.key], [TENANT_B, pendingB, `${TENANT_B}:${pendingB}`]);
});

t.test('wait: returns once the proposal is recorded, TIMEOUT when nothing applies it', async (t) => {
  const started = Date.now();
  const timedOut = await gateway.query(operator, PROPOSE, { input: input(), wait: true });
  t.same(timedOut.codes, ['TIMEOUT']);
  t.ok(Date.now() - started >= WAIT_MS - 200, 'after the deadline');
  const decision = await gateway.query(approver, APPROVE, { id: pendingA, hash: HASH, wait: true });
  t.same(decision.codes, ['TIMEOUT'], 'a decision nothing applies');

  // Stand in for the processor: record the proposal a little after the command was sent.
  const key = `wait-${Date.now()}`;
  const proposalId = proposalIdFor(TENANT_A, key);
  const processor = await connect(t, seeded.db.admin);
  const recorded = (async () => {
    await new Promise((resolve) => setTimeout(resolve, 300));
    await processor.query(
      `INSERT INTO action_proposals (tenant_id, proposal_id, idempotency_key, action_type, action_type_version, parameters, targets, proposed_by, rationale, state)
       VALUES ($1, $2, $3, 'pump.restart', 2, '{}', '[]', 'agent:planner', '', 'PROPOSED')`,
      [TENANT_A, proposalId, key],
    );
  })();
  const waited = await gateway.query(operator, PROPOSE, { input: input({ idempotencyKey: key }), wait: true });
  await recorded;
  t.same(waited.codes, []);
  t.same(waited.body.data!.propose, { proposalId, accepted: true, idempotencyKey: key, state: 'PROPOSED', refusal: null });
});

t.test('without Kafka configuration mutations are INTERNAL and reads still work', async (t) => {
  const readOnly = await startGateway(t, seeded.db.gateway);
  const response = await readOnly.query(operator, PROPOSE, { input: input() });
  t.same(response.codes, ['INTERNAL']);
  t.match(response.body.errors![0]!.message, /not configured/);
  t.same((await readOnly.query(viewer, '{ viewer { subject } }')).codes, []);
});
