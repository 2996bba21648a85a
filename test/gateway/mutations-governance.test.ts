// The mutations end to end with the real governance processor (a child process on topics and a
// database of its own): a HIGH proposal made by mutation waits for two approvals, both given by
// mutation with two different approver tokens, and is then executed; a graphql-ws subscriber
// sees it pass through its states, as the processor's outbox relay publishes them.
import { randomUUID } from 'node:crypto';
import t from 'tap';
import { ActionStateChangedSchema, type ActionStateChanged } from '../../contracts/generated/action-state-changed.ts';
import { AvroSerde } from '../../contracts/serde/index.ts';
import { subscribe } from '../support/gateway/subscription-client.ts';
import { produceRaw, waitFor } from '../support/materializer/harness.ts';
import { schemaRegistryUrl } from '../support/services.ts';
import { retried, waitForState } from '../support/governance/governance-harness.ts';
import { startGovernedGateway } from '../support/gateway/governed-gateway.ts';
import { tokenFor } from '../support/gateway/tokens.ts';

const { env, gateway, wsUrl } = await startGovernedGateway(t, 'gateway-e2e');

const serde = AvroSerde.connect(schemaRegistryUrl());
async function produceLifecycle(event: ActionStateChanged): Promise<void> {
  const topic = env.topics.actionLifecycle;
  await produceRaw(topic, [{ key: `${event.tenantId}:${event.proposalId}`, value: await serde.encode(`${topic}-value`, ActionStateChangedSchema, event) }]);
}

const RECEIPT = 'proposalId accepted state refusal';

t.test('a proposal made by mutation is executed after two approvals by mutation', async (t) => {
  const agent = await tokenFor(env.tenantId, ['operator'], 'agent:planner');
  const alice = await tokenFor(env.tenantId, ['approver'], 'user:alice');
  const bob = await tokenFor(env.tenantId, ['approver'], 'user:bob');
  const states = subscribe(t, wsUrl, alice, 'subscription { proposalChanged { proposalId from to blastRadius actor } }');
  // The feed reads from the end of its topics: warm up with a lifecycle record until it arrives.
  await waitFor('the lifecycle feed to deliver', async () => {
    if (states.received.length > 0) return true;
    await produceLifecycle({ tenantId: env.tenantId, eventId: randomUUID(), proposalId: randomUUID(), actionType: 'warmup', from: null, to: 'PROPOSED', blastRadius: null, bindingHash: null, actor: 'test', reason: null, occurredAt: Date.now() });
    await new Promise((resolve) => setTimeout(resolve, 500));
    return states.received.length > 0;
  }, 60_000, 10);

  const proposed = await gateway.query(agent, `mutation P($input: ProposeInput!) { propose(input: $input, wait: true) { ${RECEIPT} } }`, {
    input: {
      actionType: 'decommission_pump',
      parameters: { reason: 'end of life, replaced by p9' },
      targets: [{ type: 'Pump', id: 'p2' }, { type: 'Site', id: 's2' }],
      rationale: 'bearing failure',
      idempotencyKey: `e2e-${Date.now()}`,
    },
  });
  t.same(proposed.codes, []);
  const { proposalId, state } = proposed.body.data!.propose;
  t.ok(state !== null, `recorded (${state})`);
  const pending = await waitForState(env, proposalId, ['PENDING_APPROVAL', 'EXECUTED', 'FAILED', 'REJECTED', 'STALE'], 60_000);
  t.equal(pending.state, 'PENDING_APPROVAL', pending.stateReason ?? '');

  const read = await gateway.query(alice, 'query Q($id: ID!) { proposal(id: $id) { state bindingHash proposedBy blastRadius } }', { id: proposalId });
  t.match(read.body.data!.proposal, { state: 'PENDING_APPROVAL', proposedBy: 'agent:planner', blastRadius: 'HIGH', bindingHash: pending.bindingHash });
  const hash = read.body.data!.proposal.bindingHash as string;

  const APPROVE = `mutation A($id: ID!, $hash: String!) { approve(proposalId: $id, bindingHash: $hash, reason: "checked", wait: true) { ${RECEIPT} } }`;
  const first = await gateway.query(alice, APPROVE, { id: proposalId, hash });
  t.same(first.codes, []);
  t.same(first.body.data!.approve, { proposalId, accepted: true, state: 'PENDING_APPROVAL', refusal: null }, 'one approval is not enough');

  const again = await gateway.query(alice, APPROVE, { id: proposalId, hash });
  t.same(again.codes, []);
  t.equal(again.body.data!.approve.state, 'PENDING_APPROVAL', 'the same approver twice still counts once');

  const second = await gateway.query(bob, APPROVE, { id: proposalId, hash });
  t.same(second.codes, []);
  t.equal(second.body.data!.approve.refusal, null);
  const done = await waitForState(env, proposalId, ['EXECUTED', 'FAILED', 'STALE'], 60_000);
  t.equal(done.state, 'EXECUTED', done.stateReason ?? '');
  const pump = await retried(() => env.fixture.object('Pump', 'p2'));
  t.equal(pump?.properties.status, 'decommissioned');

  await states.until('the subscriber to see EXECUTED', () => states.received.some((d) => d.proposalChanged.proposalId === proposalId && d.proposalChanged.to === 'EXECUTED'), 60_000);
  const path = states.received.filter((d) => d.proposalChanged.proposalId === proposalId).map((d) => d.proposalChanged.to);
  t.same(path, [...new Set(path)], 'each state once (the feed dedupes nothing; the relay published each once)');
  t.ok(['PENDING_APPROVAL', 'APPROVED', 'EXECUTED'].every((s) => path.includes(s)), `pushed through its states: ${path.join(' > ')}`);
  t.ok(path.indexOf('PENDING_APPROVAL') < path.indexOf('APPROVED') && path.indexOf('APPROVED') < path.indexOf('EXECUTED'), 'in order');

  const history = await gateway.query(agent, 'query Q($id: ID!) { proposal(id: $id) { state approvals { approver current } } }', { id: proposalId });
  t.same(history.body.data!.proposal.state, 'EXECUTED');
  t.same(history.body.data!.proposal.approvals.map((a: any) => a.approver).sort(), ['user:alice', 'user:bob']);
});
