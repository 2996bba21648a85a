// ActionDecision from L5 (people, policy) or the gateway: approve (bound to the current binding
// hash), reject or cancel. Anything not allowed is refused and audited, never silently dropped.
import type { ActionDecision } from '../../contracts/generated/action-decision.ts';
import { canTransition, isTerminal } from './action-states.ts';
import { approvalsSatisfied, checkApproval } from './approvals.ts';
import { execute } from './execute.ts';
import { audit, type GovernanceContext } from './governance-context.ts';
import { refuse, transition } from './lifecycle.ts';
import type { Proposal } from './proposal.ts';
import { loadApprovals, loadProposalForUpdate, upsertApproval } from './sql/proposals.ts';

export type DecisionOutcome = { kind: 'applied' } | { kind: 'refused' } | { kind: 'unknown-proposal' };

export const EXPIRY_ACTOR = 'l3-governance:expiry';

/** Moves an open proposal whose time is up to EXPIRED; returns the proposal as it now is. */
export async function expireIfDue(context: GovernanceContext, proposal: Proposal): Promise<Proposal> {
  if (isTerminal(proposal.state) || proposal.expiresAt === null || proposal.expiresAt > context.now) return proposal;
  if (!canTransition(proposal.state, 'EXPIRED')) return proposal;
  return transition(context, proposal, { state: 'EXPIRED', actor: EXPIRY_ACTOR, stateReason: `expired at ${new Date(proposal.expiresAt).toISOString()}` });
}

export async function handleDecision(context: GovernanceContext, event: ActionDecision): Promise<DecisionOutcome> {
  const found = await loadProposalForUpdate(context.tx, context.tenantId, event.proposalId);
  if (!found) return { kind: 'unknown-proposal' };
  const proposal = await expireIfDue(context, found);
  const command = event.decision;
  const refusal = async (code: string, reason: string): Promise<DecisionOutcome> => {
    await refuse(context, { proposalId: proposal.proposalId, command, actor: event.actor, code, reason, state: proposal.state });
    return { kind: 'refused' };
  };

  if (command === 'CANCEL') {
    const mayCancel = event.actor === proposal.proposedBy || event.actorRoles.includes('admin');
    if (!mayCancel) return refusal('NOT_ALLOWED', 'only the proposer or an admin may cancel a proposal');
    if (!canTransition(proposal.state, 'CANCELLED')) return refusal('ILLEGAL_TRANSITION', `a ${proposal.state} proposal cannot be cancelled`);
    await transition(context, proposal, { state: 'CANCELLED', actor: event.actor, stateReason: event.reason ?? 'cancelled' });
    return { kind: 'applied' };
  }

  if (proposal.blastRadius === null || proposal.bindingHash === null) {
    return refusal('NOT_AWAITING_APPROVAL', `a ${proposal.state} proposal has no simulation to decide on`);
  }
  const rule = context.policy.approvals[proposal.blastRadius];

  if (command === 'REJECT') {
    if (!event.actorRoles.some((role) => rule.roles.includes(role))) return refusal('ROLE_NOT_ALLOWED', `rejecting a ${proposal.blastRadius} action needs one of the roles ${rule.roles.join(', ')}`);
    if (!canTransition(proposal.state, 'REJECTED')) return refusal('ILLEGAL_TRANSITION', `a ${proposal.state} proposal cannot be rejected`);
    await transition(context, proposal, { state: 'REJECTED', actor: event.actor, stateReason: event.reason ?? 'rejected' });
    return { kind: 'applied' };
  }

  // APPROVE
  const check = checkApproval({
    policy: context.policy,
    radius: proposal.blastRadius,
    proposer: proposal.proposedBy,
    approver: event.actor,
    approverRoles: event.actorRoles,
    bindingHash: event.bindingHash,
    currentHash: proposal.bindingHash,
    state: proposal.state,
  });
  if (!check.ok) return refusal(check.code, check.reason);
  await upsertApproval(context.tx, context.tenantId, proposal.proposalId, {
    approver: event.actor,
    roles: event.actorRoles,
    bindingHash: proposal.bindingHash,
    reason: event.reason ?? '',
    decidedAt: context.now,
    expiresAt: context.now + context.policy.approvalTtlMs,
  });
  await audit(context, 'APPROVAL_RECORDED', { proposalId: proposal.proposalId, approver: event.actor, roles: event.actorRoles, bindingHash: proposal.bindingHash });
  const approvals = await loadApprovals(context.tx, context.tenantId, proposal.proposalId);
  const verdict = approvalsSatisfied({ policy: context.policy, radius: proposal.blastRadius, approvals, currentHash: proposal.bindingHash, now: context.now, proposer: proposal.proposedBy });
  if (verdict.satisfied) {
    const approved = await transition(context, proposal, { state: 'APPROVED', actor: event.actor, stateReason: `approved by ${verdict.counted.join(', ')}` });
    await execute(context, approved);
  }
  return { kind: 'applied' };
}
