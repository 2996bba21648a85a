// The governance commands as records: ActionProposed (l4.agent.proposals.v1) and ActionDecision
// (l5.governance.decisions.v1), keyed `${tenantId}:${proposalId}` so one proposal's commands stay
// in order on one partition (ARCHITECTURE §2). One builder for every producer (the gateway's
// mutations, `l3 actions`, the demo), so a given idempotency key names the same proposal
// whichever way it was sent.
import { randomUUID } from 'node:crypto';
import type { ActionDecision, Decision } from '../generated/action-decision.ts';
import type { ActionProposed, ObjectRef } from '../generated/action-proposed.ts';
import { nameBasedUuid } from './name-based-uuid.ts';

/** The namespace of proposal ids derived from an idempotency key. Never change it. */
export const PROPOSAL_ID_NAMESPACE = '76737708-478c-469c-adb4-1f5ef57abe7f';
/** The namespace of decision event ids derived from an idempotency key. Never change it. */
export const DECISION_EVENT_NAMESPACE = '1d4b8f0e-52a7-4c8e-9f3b-6a0e2c7d5b91';

export interface ProposalCommand {
  readonly tenantId: string;
  readonly actionType: string;
  readonly actionTypeVersion: number | null;
  readonly targets: readonly ObjectRef[];
  readonly parameters: Readonly<Record<string, unknown>>;
  readonly proposedBy: string;
  readonly rationale: string;
  /** Absent: the proposal id is the key, so nothing is deduplicated. */
  readonly idempotencyKey?: string | undefined;
}

export interface DecisionCommand {
  readonly tenantId: string;
  readonly proposalId: string;
  readonly decision: Decision;
  readonly actor: string;
  readonly roles: readonly string[];
  readonly bindingHash?: string | null | undefined;
  readonly reason?: string | null | undefined;
  readonly idempotencyKey?: string | undefined;
}

/** The proposal id of an idempotency key: proposing again with the key names the same proposal. */
export function proposalIdFor(tenantId: string, idempotencyKey: string): string {
  return nameBasedUuid(PROPOSAL_ID_NAMESPACE, JSON.stringify([tenantId.toLowerCase(), idempotencyKey]));
}

export function proposalRecord(command: ProposalCommand, now: number = Date.now()): ActionProposed {
  const proposalId = command.idempotencyKey === undefined ? randomUUID() : proposalIdFor(command.tenantId, command.idempotencyKey);
  return {
    tenantId: command.tenantId,
    eventId: randomUUID(),
    proposalId,
    idempotencyKey: command.idempotencyKey ?? proposalId,
    actionType: command.actionType,
    actionTypeVersion: command.actionTypeVersion,
    parameters: JSON.stringify(command.parameters),
    targets: command.targets.map((target) => ({ objectType: target.objectType, objectId: target.objectId })),
    proposedBy: command.proposedBy,
    rationale: command.rationale,
    expiresAt: null,
    occurredAt: now,
  };
}

export function decisionRecord(command: DecisionCommand, now: number = Date.now()): ActionDecision {
  // The governance processor deduplicates on eventId: a decision retried with the same key is applied once.
  const eventId =
    command.idempotencyKey === undefined
      ? randomUUID()
      : nameBasedUuid(DECISION_EVENT_NAMESPACE, JSON.stringify([command.tenantId, command.proposalId, command.actor, command.idempotencyKey]));
  return {
    tenantId: command.tenantId,
    eventId,
    proposalId: command.proposalId,
    decision: command.decision,
    actor: command.actor,
    actorRoles: [...command.roles],
    bindingHash: command.bindingHash ?? null,
    reason: command.reason ?? null,
    occurredAt: now,
  };
}

/** The key of every command about a proposal. */
export function commandKey(tenantId: string, proposalId: string): string {
  return `${tenantId}:${proposalId}`;
}
