// propose_action and get_proposal end to end: an agent proposes through MCP, the real governance
// processor (a child process on topics and a database of its own) picks the Avro command up,
// and the agent follows the proposal through get_proposal and sees its effect with get_object.
// A retry with the same idempotency key names the same proposal and is applied once; a proposal
// whose parameters the tool's schema refuses is recorded and rejected by the processor.
import t from 'tap';
import { startGovernedGateway } from '../support/gateway/governed-gateway.ts';
import { answered, callTool, connectMcp, mcpUrl, type ToolOutcome } from '../support/gateway/mcp-client.ts';
import { tokenFor } from '../support/gateway/tokens.ts';
import { waitFor } from '../support/materializer/harness.ts';

const { env, gateway } = await startGovernedGateway(t, 'mcp-e2e');
const url = await mcpUrl(gateway.app);
const agent = await connectMcp(t, url, await tokenFor(env.tenantId, ['operator'], 'agent:planner'));

/** get_proposal until the proposal is in one of `states`. */
async function until(proposalId: string, states: readonly string[]): Promise<ToolOutcome> {
  let last: ToolOutcome | undefined;
  await waitFor(`proposal ${proposalId} to reach ${states.join(' or ')}`, async () => {
    last = await callTool(agent, 'get_proposal', { proposalId });
    return states.includes(last.structured?.proposal.state);
  }, 120_000, 250);
  return last!;
}

const TERMINAL = ['EXECUTED', 'FAILED', 'REJECTED', 'STALE', 'CANCELLED', 'EXPIRED'];

t.test('a LOW action proposed over MCP is executed, and a retry with its key is the same proposal', async (t) => {
  const tools = await callTool(agent, 'list_tools', { name: 'set_pump_status' });
  t.match(tools.structured!.tools, [{ name: 'set_pump_status', baseRisk: 'LOW', parameterSchema: { required: ['status'] } }]);
  const before = await callTool(agent, 'get_object', { type: 'Pump', id: 'p1' });
  t.equal(before.structured!.object.properties.status, 'running');

  const key = `mcp-e2e-${Date.now()}`;
  const proposal = { actionType: 'set_pump_status', targets: [{ type: 'Pump', id: 'p1' }], parameters: { status: 'stopped' }, rationale: 'vibration alarm', idempotencyKey: key };
  const proposed = await callTool(agent, 'propose_action', { ...proposal, wait: true });
  answered(t, proposed);
  const { proposalId, state } = proposed.structured!;
  t.match(proposed.structured, { accepted: true, idempotencyKey: key, refusal: null });
  t.ok(state !== null, `recorded before the call returned (${state})`);
  t.match(proposed.text, new RegExp(`^Proposal ${proposalId} accepted`));

  const done = await until(proposalId, TERMINAL);
  t.match(done.structured!.proposal, { state: 'EXECUTED', proposedBy: 'agent:planner', actionType: 'set_pump_status', blastRadius: 'LOW', rationale: 'vibration alarm' });
  t.same(done.structured!.proposal.history.at(-1).to, 'EXECUTED');
  t.equal(done.structured!.proposal.history[0].to, 'PROPOSED');
  const after = await callTool(agent, 'get_object', { type: 'Pump', id: 'p1' });
  t.equal(after.structured!.object.properties.status, 'stopped', 'the truth changed');
  t.ok(after.structured!.object.version > before.structured!.object.version);

  const retried = await callTool(agent, 'propose_action', { ...proposal, wait: true });
  answered(t, retried);
  t.equal(retried.structured!.proposalId, proposalId, 'the same key names the same proposal');
  t.equal(retried.structured!.state, 'EXECUTED', 'and it is the proposal already executed');
  // The processor deduplicates on the key: the retry added no transition. Proposals of one
  // partition are applied in order, so once a later proposal is recorded the retry has been seen.
  const marker = await callTool(agent, 'propose_action', { actionType: 'set_pump_status', targets: [{ type: 'Pump', id: 'p2' }], parameters: { status: 'maintenance' }, wait: true });
  await until(marker.structured!.proposalId, TERMINAL);
  const history = (await callTool(agent, 'get_proposal', { proposalId })).structured!.proposal.history;
  t.equal(history.filter((h: { to: string }) => h.to === 'PROPOSED').length, 1, 'proposed once');
  t.equal(history.filter((h: { to: string }) => h.to === 'EXECUTED').length, 1, 'executed once');
});

t.test('parameters the tool refuses: recorded, then rejected by the processor', async (t) => {
  const proposed = await callTool(agent, 'propose_action', { actionType: 'set_pump_status', targets: [{ type: 'Pump', id: 'p3' }], parameters: { status: 'exploded' } });
  answered(t, proposed);
  t.equal(proposed.structured!.state, null, 'without wait the state is not known yet');
  const done = await until(proposed.structured!.proposalId, TERMINAL);
  t.equal(done.structured!.proposal.state, 'REJECTED');
  t.match(done.structured!.proposal.stateReason, /status/);
  t.equal((await callTool(agent, 'get_object', { type: 'Pump', id: 'p3' })).structured!.object.properties.status, 'running', 'nothing changed');
});

t.test('a HIGH action waits for approvals, with its binding hash readable', async (t) => {
  const proposed = await callTool(agent, 'propose_action', {
    actionType: 'decommission_pump',
    targets: [{ type: 'Pump', id: 'p4' }, { type: 'Site', id: 's1' }],
    parameters: { reason: 'end of life, replaced by p9' },
    wait: true,
  });
  answered(t, proposed);
  const pending = await until(proposed.structured!.proposalId, ['PENDING_APPROVAL', ...TERMINAL]);
  t.match(pending.structured!.proposal, { state: 'PENDING_APPROVAL', blastRadius: 'HIGH', bindingHash: /^[0-9a-f]{64}$/, approvals: [] });
  t.ok(pending.structured!.proposal.simulation, 'the simulation is readable');
});
