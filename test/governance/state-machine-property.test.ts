// Property: whatever random sequence of proposals, decisions, results, world changes and expiries
// reaches the governance processor, no proposal ever reaches a state by an illegal transition,
// every command leaves a mark in the audit chain (a transition, an approval or a refusal), and
// the chain verifies. Driven through the processor's real handlers against Postgres.
import fc from 'fast-check';
import t from 'tap';
import { canTransition, isTerminal, type ActionState } from '../../processors/governance/action-states.ts';
import { verifyChain } from '../../runtime/audit/verify-chain.ts';
import { createGovernanceFixture, type GovernanceFixture } from '../support/governance/fixture.ts';

type Command =
  | { kind: 'propose'; action: 'low' | 'high' | 'external'; pump: number; expiresInMs: number | null }
  | { kind: 'approve'; proposal: number; actor: 'alice' | 'bob' | 'carol' | 'agent:planner' | 'vic'; hash: 'current' | 'stale' | 'missing' }
  | { kind: 'reject'; proposal: number; actor: 'alice' | 'vic' }
  | { kind: 'cancel'; proposal: number; actor: 'agent:planner' | 'mallory' }
  | { kind: 'result'; proposal: number; status: 'SUCCEEDED' | 'FAILED'; execution: 'current' | 'other' }
  | { kind: 'touch'; pump: number }
  | { kind: 'tick'; ms: number };

const ROLES: Record<string, string[]> = { alice: ['approver'], bob: ['approver'], carol: ['admin', 'approver'], 'agent:planner': ['approver'], vic: ['viewer'], mallory: [] };

const commandArb: fc.Arbitrary<Command> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('propose' as const), action: fc.constantFrom('low' as const, 'high' as const, 'external' as const), pump: fc.integer({ min: 1, max: 6 }), expiresInMs: fc.option(fc.integer({ min: 1_000, max: 120_000 }), { nil: null }) }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('approve' as const), proposal: fc.nat(8), actor: fc.constantFrom('alice' as const, 'bob' as const, 'carol' as const, 'agent:planner' as const, 'vic' as const), hash: fc.constantFrom('current' as const, 'current' as const, 'stale' as const, 'missing' as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('reject' as const), proposal: fc.nat(8), actor: fc.constantFrom('alice' as const, 'vic' as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('cancel' as const), proposal: fc.nat(8), actor: fc.constantFrom('agent:planner' as const, 'mallory' as const) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('result' as const), proposal: fc.nat(8), status: fc.constantFrom('SUCCEEDED' as const, 'FAILED' as const), execution: fc.constantFrom('current' as const, 'other' as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('touch' as const), pump: fc.integer({ min: 1, max: 6 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('tick' as const), ms: fc.integer({ min: 1_000, max: 90_000 }) }) },
);

async function run(f: GovernanceFixture, commands: readonly Command[]): Promise<string[]> {
  const problems: string[] = [];
  const proposals: string[] = [];
  let sequence = 0;
  for (const command of commands) {
    const before = (await f.auditRows()).length;
    const id = proposals.length > 0 && 'proposal' in command ? proposals[command.proposal % proposals.length]! : undefined;
    switch (command.kind) {
      case 'propose': {
        sequence++;
        const expiresAt = command.expiresInMs === null ? null : f.now + command.expiresInMs;
        const { proposalId } =
          command.action === 'low'
            ? await f.propose({ actionType: 'set_pump_status', parameters: { status: sequence % 2 ? 'stopped' : 'running' }, targets: [{ objectType: 'Pump', objectId: `p${command.pump}` }], expiresAt })
            : command.action === 'high'
              ? await f.propose({ actionType: 'decommission_pump', parameters: { reason: `property test ${sequence}` }, targets: [{ objectType: 'Pump', objectId: `p${command.pump}` }, { objectType: 'Site', objectId: `s${((command.pump - 1) % 3) + 1}` }], expiresAt })
              : await f.propose({ actionType: 'dispatch_technician', parameters: { role: 'lead' }, targets: [{ objectType: 'WorkOrder', objectId: 'wo1' }, { objectType: 'Technician', objectId: `t${(command.pump % 2) + 1}` }], expiresAt });
        proposals.push(proposalId);
        break;
      }
      case 'approve': {
        if (!id) continue;
        const current = (await f.proposal(id)).binding_hash;
        const hash = command.hash === 'current' ? current : command.hash === 'stale' ? 'a'.repeat(64) : null;
        await f.decide({ proposalId: id, decision: 'APPROVE', actor: command.actor, actorRoles: ROLES[command.actor]!, bindingHash: hash });
        break;
      }
      case 'reject':
        if (!id) continue;
        await f.decide({ proposalId: id, decision: 'REJECT', actor: command.actor, actorRoles: ROLES[command.actor]! });
        break;
      case 'cancel':
        if (!id) continue;
        await f.decide({ proposalId: id, decision: 'CANCEL', actor: command.actor, actorRoles: ROLES[command.actor]! });
        break;
      case 'result': {
        if (!id) continue;
        const row = await f.proposal(id);
        await f.result({
          proposalId: id,
          executionId: command.execution === 'current' && row.execution_id ? row.execution_id : '00000000-0000-4000-8000-00000000beef',
          status: command.status,
          bindingHash: row.binding_hash ?? 'b'.repeat(64),
          ...(command.status === 'FAILED' ? { error: { code: 'E_TEST', message: 'device unreachable' } } : {}),
        });
        break;
      }
      case 'touch':
        await f.touch('Pump', `p${command.pump}`);
        continue; // an L2 change, not a governance command: nothing to audit
      case 'tick':
        f.now += command.ms;
        await f.sweep();
        continue; // a sweep audits only what expires
    }
    const after = (await f.auditRows()).length;
    if (after <= before) problems.push(`${JSON.stringify(command)} left no audit event`);
  }

  const audit = await f.auditRows();
  const verdict = verifyChain(audit);
  if (!verdict.ok) problems.push(`audit chain broken at seq ${verdict.firstBadSeq}: ${verdict.reason}`);
  for (const proposalId of proposals) {
    const transitions = audit.filter((row) => row.eventType === 'ACTION_TRANSITION' && row.event.proposalId === proposalId).map((row) => row.event as { from: ActionState | null; to: ActionState });
    let state: ActionState | null = null;
    for (const step of transitions) {
      if (step.from !== state) problems.push(`${proposalId}: transition from ${step.from} recorded while in ${state}`);
      if (state !== null && !canTransition(state, step.to)) problems.push(`${proposalId}: illegal ${state} -> ${step.to}`);
      if (state !== null && isTerminal(state)) problems.push(`${proposalId}: left terminal state ${state}`);
      state = step.to;
    }
    const stored = (await f.proposal(proposalId)).state;
    if (stored !== state) problems.push(`${proposalId}: stored ${stored}, audited ${state}`);
  }
  return problems;
}

t.test('random command sequences only ever take legal, audited transitions and keep the chain valid', async (t) => {
  const runs = Number(process.env.L3_PROPERTY_RUNS ?? 12);
  await fc.assert(
    fc.asyncProperty(fc.array(commandArb, { minLength: 4, maxLength: 30 }), async (commands) => {
      const f = await createGovernanceFixture(t);
      const problems = await run(f, commands);
      if (problems.length > 0) throw new Error(problems.join('\n'));
    }),
    { numRuns: runs, seed: Number(process.env.L3_TEST_SEED ?? Date.now() % 2_147_483_647), endOnFailure: true },
  );
  t.pass(`${runs} random sequences held the invariants`);
});
