// The Avro commands the mutations produce: ActionProposed on the proposals topic and
// ActionDecision on the decisions topic, keyed `${tenantId}:${proposalId}` (ARCHITECTURE §2: a
// proposal's commands stay in order on one partition), with a W3C traceparent header. The same
// shapes `l3 actions` produces (cli/actions-command.ts), rebuilt here because the gateway may
// not import the CLI (which imports processors/).
import { createHash, randomUUID } from 'node:crypto';
import { ActionDecisionSchema, type ActionDecision, type Decision } from '../../contracts/generated/action-decision.ts';
import { ActionProposedSchema, type ActionProposed, type ObjectRef } from '../../contracts/generated/action-proposed.ts';
import type { AvroSerde } from '../../contracts/serde/index.ts';
import { subjectOf } from '../../contracts/topics.ts';
import { childTraceparent } from '../../runtime/trace-context.ts';
import type { CommandMessage } from './command-sink.ts';

/**
 * The namespace of proposal ids derived from an idempotency key; the same as the CLI's
 * (cli/actions-command.ts PROPOSAL_ID_NAMESPACE), so a key names one proposal whichever way it
 * was sent. Never change it.
 */
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
  readonly idempotencyKey: string | undefined;
}

export interface DecisionCommand {
  readonly tenantId: string;
  readonly proposalId: string;
  readonly decision: Decision;
  readonly actor: string;
  readonly roles: readonly string[];
  readonly bindingHash: string | null;
  readonly reason: string | null;
  readonly idempotencyKey: string | undefined;
}

/**
 * RFC 9562 §5.8 name-based UUID (SHA-256, version 8), as ontology/deterministic-uuid.ts builds
 * them: the same namespace and name always give the same id.
 */
export function nameBasedUuid(namespace: string, name: string): string {
  const hash = createHash('sha256').update(Buffer.from(namespace.replaceAll('-', ''), 'hex')).update(name, 'utf8').digest();
  const bytes = hash.subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x80;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The proposal id of an idempotency key: proposing again with the key names the same proposal. */
export function proposalIdFor(tenantId: string, idempotencyKey: string): string {
  return nameBasedUuid(PROPOSAL_ID_NAMESPACE, JSON.stringify([tenantId.toLowerCase(), idempotencyKey]));
}

export function proposalRecord(command: ProposalCommand, now: number = Date.now()): ActionProposed {
  // No key given: the proposal id is the key (derived from this request), so nothing is deduplicated.
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
    bindingHash: command.bindingHash,
    reason: command.reason,
    occurredAt: now,
  };
}

/** The key of every command about a proposal. */
export function commandKey(tenantId: string, proposalId: string): string {
  return `${tenantId}:${proposalId}`;
}

/** `parent`: the request's traceparent header, continued as a child; absent or invalid starts a trace. */
export async function encodeProposal(serde: AvroSerde, topic: string, record: ActionProposed, parent: string | undefined): Promise<CommandMessage> {
  return {
    key: commandKey(record.tenantId, record.proposalId),
    value: await serde.encode(subjectOf(topic), ActionProposedSchema, record),
    headers: { traceparent: childTraceparent(parent) },
  };
}

export async function encodeDecision(serde: AvroSerde, topic: string, record: ActionDecision, parent: string | undefined): Promise<CommandMessage> {
  return {
    key: commandKey(record.tenantId, record.proposalId),
    value: await serde.encode(subjectOf(topic), ActionDecisionSchema, record),
    headers: { traceparent: childTraceparent(parent) },
  };
}
