// The mutations end to end with the real governance processor (a child process on topics and a
// database of its own): a HIGH proposal made by mutation waits for two approvals, both given by
// mutation with two different approver tokens, and is then executed.
import t from 'tap';
import { retried, waitForState } from '../support/governance/governance-harness.ts';
import { startGovernedGateway } from '../support/gateway/governed-gateway.ts';
import { tokenFor } from '../support/gateway/tokens.ts';

const { env, gateway } = await startGovernedGateway(t, 'gateway-e2e');

const RECEIPT = 'proposalId accepted state refusal';

t.test('a proposal made by mutation is executed after two approvals by mutation', async (t) => {
  const agent = await tokenFor(env.tenantId, ['operator'], 'agent:planner');
  const alice = await tokenFor(env.tenantId, ['approver'], 'user:alice');
  const bob = await tokenFor(env.tenantId, ['approver'], 'user:bob');

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

  const history = await gateway.query(agent, 'query Q($id: ID!) { proposal(id: $id) { state approvals { approver current } } }', { id: proposalId });
  t.same(history.body.data!.proposal.state, 'EXECUTED');
  t.same(history.body.data!.proposal.approvals.map((a: any) => a.approver).sort(), ['user:alice', 'user:bob']);
});
