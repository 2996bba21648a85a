// ActionProposed: record it (idempotent by idempotencyKey), validate the parameters against the
// tool's JSON Schema, simulate it, classify its blast radius, bind it with the SHA-256 hash, and
// route it: no approval needed -> execute; otherwise wait for approvals (ARCHITECTURE §6).
import type { ActionProposed } from '../../contracts/generated/action-proposed.ts';
import { bindingHash } from './binding-hash.ts';
import { classifyBlastRadius } from './blast-radius.ts';
import { execute } from './execute.ts';
import type { GovernanceContext } from './governance-context.ts';
import { created, transition } from './lifecycle.ts';
import { validateParameters } from './parameters.ts';
import { simulate } from './simulate.ts';
import { insertProposal, loadTool } from './sql/proposals.ts';
import { loadWorld, referencedObjects } from './sql/world.ts';

export type ProposalOutcome = { kind: 'recorded' } | { kind: 'duplicate' } | { kind: 'unknown-action-type'; reason: string };

const POLICY_ACTOR = 'l3-governance:policy';

export async function handleProposal(context: GovernanceContext, event: ActionProposed): Promise<ProposalOutcome> {
  const tool = await loadTool(context.tx, context.tenantId, event.actionType, event.actionTypeVersion);
  if (!tool) {
    return { kind: 'unknown-action-type', reason: `action type ${event.actionType}${event.actionTypeVersion === null ? '' : ` v${event.actionTypeVersion}`} is not in the tool catalog` };
  }
  let parameters: Record<string, unknown> | undefined;
  try {
    const parsed: unknown = JSON.parse(event.parameters);
    if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) parameters = parsed as Record<string, unknown>;
  } catch {
    parameters = undefined;
  }
  // A proposal may not outlive the policy's limit, whatever the agent asked for.
  const latest = context.now + context.policy.proposalTtlMs;
  const expiresAt = Math.min(event.expiresAt ?? latest, latest);
  const proposal = await insertProposal(
    context.tx,
    {
      tenantId: context.tenantId,
      proposalId: event.proposalId,
      idempotencyKey: event.idempotencyKey,
      actionType: tool.name,
      actionTypeVersion: tool.version,
      parameters: parameters ?? {},
      targets: event.targets,
      proposedBy: event.proposedBy,
      rationale: event.rationale,
      expiresAt,
    },
    event.eventId,
  );
  if (!proposal) return { kind: 'duplicate' };
  await created(context, proposal);

  if (!parameters) {
    await transition(context, proposal, { state: 'REJECTED', actor: POLICY_ACTOR, stateReason: 'parameters are not a JSON object' });
    return { kind: 'recorded' };
  }
  const validation = validateParameters(tool.parameterSchema, parameters);
  if (!validation.ok) {
    await transition(context, proposal, { state: 'REJECTED', actor: POLICY_ACTOR, stateReason: `invalid parameters: ${validation.errors.join('; ')}` });
    return { kind: 'recorded' };
  }
  const world = await loadWorld(context.tx, context.tenantId, [...event.targets, ...referencedObjects(tool.effects, parameters)]);
  let simulation: ReturnType<typeof simulate>;
  try {
    simulation = simulate(tool, { parameters, targets: event.targets }, world);
  } catch (error) {
    // A catalog entry the simulator cannot read (an effect kind it does not know) is L3's fault,
    // not the proposer's: FAILED, with the reason, rather than a stuck batch.
    await transition(context, proposal, { state: 'FAILED', actor: POLICY_ACTOR, stateReason: `simulation failed: ${(error as Error).message}` });
    return { kind: 'recorded' };
  }
  if (!simulation.ok) {
    await transition(context, proposal, { state: 'REJECTED', actor: POLICY_ACTOR, stateReason: `${simulation.code}: ${simulation.reason}` });
    return { kind: 'recorded' };
  }
  const { radius, reasons } = classifyBlastRadius({
    baseRisk: tool.baseRisk,
    affectedObjects: simulation.affected.length,
    deletes: simulation.deletes,
    sensitivePropertiesTouched: simulation.sensitivePropertiesTouched,
    externalEffect: simulation.external.length > 0,
    irreversible: tool.irreversible,
  });
  const hash = bindingHash({
    tenantId: context.tenantId,
    proposalId: proposal.proposalId,
    actionType: tool.name,
    actionTypeVersion: tool.version,
    parameters,
    targets: [...event.targets],
    simulation: { affected: [...simulation.affected], diff: simulation.diff },
    blastRadius: radius,
    expiresAt: new Date(expiresAt).toISOString(),
  });
  const simulated = await transition(context, proposal, {
    state: 'SIMULATED',
    actor: POLICY_ACTOR,
    stateReason: reasons.length > 0 ? `blast radius ${radius}: ${reasons.join('; ')}` : `blast radius ${radius}`,
    blastRadius: radius,
    simulation: { affected: simulation.affected, diff: simulation.diff, edits: simulation.edits, external: simulation.external },
    bindingHash: hash,
  });
  if (context.policy.approvals[radius].required === 0) {
    const approved = await transition(context, simulated, { state: 'APPROVED', actor: POLICY_ACTOR, stateReason: `the policy requires no approval for ${radius}` });
    await execute(context, approved);
  } else {
    await transition(context, simulated, { state: 'PENDING_APPROVAL', actor: POLICY_ACTOR, stateReason: `needs ${context.policy.approvals[radius].required} approval(s) for ${radius}` });
  }
  return { kind: 'recorded' };
}
