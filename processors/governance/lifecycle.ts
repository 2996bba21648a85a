// Every state change of a proposal goes through here: the transition must be legal
// (action-states.ts), the row moves with an optimistic check on its state, and the change is
// audited and published on l3.actions.lifecycle.v1. Refusals are audited too.
import type { ActionStateChanged } from '../../contracts/generated/action-state-changed.ts';
import { kafkaKey } from '../materializer/entity-keys.ts';
import { canTransition, type ActionState } from './action-states.ts';
import { audit, emit, newEventId, type GovernanceContext } from './governance-context.ts';
import type { Proposal } from './proposal.ts';
import { updateProposal, type ProposalPatch } from './sql/proposals.ts';

export class IllegalTransitionError extends Error {
  readonly from: ActionState;
  readonly to: ActionState;
  constructor(from: ActionState, to: ActionState) {
    super(`illegal transition ${from} -> ${to}`);
    this.name = 'IllegalTransitionError';
    this.from = from;
    this.to = to;
  }
}

/** Applies a legal transition; returns the proposal as it now is. */
export async function transition(context: GovernanceContext, proposal: Proposal, patch: ProposalPatch & { actor: string }): Promise<Proposal> {
  const to = patch.state;
  if (!canTransition(proposal.state, to)) throw new IllegalTransitionError(proposal.state, to);
  if (!(await updateProposal(context.tx, proposal, patch))) {
    // The row is locked FOR UPDATE by the caller, so this means a bug, not a race.
    throw new Error(`proposal ${proposal.proposalId} is no longer ${proposal.state}`);
  }
  const next: Proposal = {
    ...proposal,
    state: to,
    blastRadius: patch.blastRadius ?? proposal.blastRadius,
    simulation: patch.simulation ?? proposal.simulation,
    bindingHash: patch.bindingHash ?? proposal.bindingHash,
    expiresAt: patch.expiresAt ?? proposal.expiresAt,
    executionId: patch.executionId ?? proposal.executionId,
    version: proposal.version + 1,
  };
  await audit(context, 'ACTION_TRANSITION', {
    proposalId: proposal.proposalId,
    actionType: proposal.actionType,
    from: proposal.state,
    to,
    actor: patch.actor,
    reason: patch.stateReason ?? null,
    blastRadius: next.blastRadius,
    bindingHash: next.bindingHash,
  });
  const event: ActionStateChanged = {
    tenantId: context.tenantId,
    eventId: newEventId(),
    proposalId: proposal.proposalId,
    actionType: proposal.actionType,
    from: proposal.state,
    to,
    blastRadius: next.blastRadius,
    bindingHash: next.bindingHash,
    actor: patch.actor,
    reason: patch.stateReason ?? null,
    occurredAt: context.now,
  };
  emit(context, context.topics.actionLifecycle, kafkaKey(context.tenantId, proposal.proposalId), event);
  return next;
}

/** Records the creation of a proposal (no previous state). */
export async function created(context: GovernanceContext, proposal: Proposal): Promise<void> {
  await audit(context, 'ACTION_TRANSITION', {
    proposalId: proposal.proposalId,
    actionType: proposal.actionType,
    from: null,
    to: proposal.state,
    actor: proposal.proposedBy,
    reason: proposal.rationale,
    parameters: proposal.parameters,
    targets: proposal.targets,
  });
  const event: ActionStateChanged = {
    tenantId: context.tenantId,
    eventId: newEventId(),
    proposalId: proposal.proposalId,
    actionType: proposal.actionType,
    from: null,
    to: proposal.state,
    blastRadius: null,
    bindingHash: null,
    actor: proposal.proposedBy,
    reason: proposal.rationale,
    occurredAt: context.now,
  };
  emit(context, context.topics.actionLifecycle, kafkaKey(context.tenantId, proposal.proposalId), event);
}

/** A command that changes nothing, and why: audited so that every refusal is on the record. */
export async function refuse(context: GovernanceContext, details: { proposalId: string; command: string; actor: string; code: string; reason: string; state?: ActionState }): Promise<void> {
  await audit(context, 'ACTION_REFUSED', { ...details, state: details.state ?? null });
}
