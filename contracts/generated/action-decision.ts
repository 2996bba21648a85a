// GENERATED FROM contracts/avro/ActionDecision.avsc by contracts/codegen — DO NOT EDIT.
// Regenerate with `node contracts/codegen/cli.ts`; CI runs it with --check.

/**
 * A human or a policy decides on a proposed action, published by L5 or by the gateway's
 * approve/reject/cancel mutations on l5.governance.decisions.v1. An approval counts only if it
 * carries the proposal's current binding hash.
 *
 * Avro record `aix.l5.governance.ActionDecision`.
 */
export interface ActionDecision {
  /**
   * Tenant of the proposal (UUID).
   *
   * UUID string (Avro logical type `uuid` on `string`).
   */
  tenantId: string;
  /**
   * Unique id of this event (UUID); consumers deduplicate on it.
   *
   * UUID string (Avro logical type `uuid` on `string`).
   */
  eventId: string;
  /**
   * Proposal decided on (UUID).
   *
   * UUID string (Avro logical type `uuid` on `string`).
   */
  proposalId: string;
  /** What the actor decided. */
  decision: Decision;
  /** Principal that decided (user subject or policy id); an approval by the proposer is refused. */
  actor: string;
  /**
   * Roles the actor held when deciding, as asserted by the authenticated token; policies may
   * require some (e.g. admin for CRITICAL).
   */
  actorRoles: string[];
  /**
   * Binding hash the actor saw (sha256, lowercase hex). Required for APPROVE, which counts only if
   * it equals the proposal's current hash; REJECT and CANCEL may omit it.
   *
   * Default: `null`.
   */
  bindingHash: string | null;
  /**
   * Why the actor decided so, kept in the audit chain; expected for REJECT and CANCEL.
   *
   * Default: `null`.
   */
  reason: string | null;
  /**
   * When the decision was made (epoch milliseconds, UTC).
   *
   * Epoch milliseconds, UTC (Avro logical type `timestamp-millis` on `long`).
   */
  occurredAt: number;
}

/**
 * A decision on a proposal: APPROVE adds one approval, REJECT ends it, CANCEL withdraws it
 * (proposer or admin).
 *
 * Avro enum `aix.l5.governance.Decision`.
 */
export type Decision = 'APPROVE' | 'REJECT' | 'CANCEL';

/** The symbols of {@link Decision}, in schema order. */
export const DecisionSymbols = ['APPROVE', 'REJECT', 'CANCEL'] as const satisfies readonly Decision[];

/** File under contracts/avro/ that ActionDecision is generated from. */
export const ActionDecisionSchemaFile = 'ActionDecision.avsc';

/**
 * The Avro schema of ActionDecision, exactly as in contracts/avro/ActionDecision.avsc; register
 * `JSON.stringify(ActionDecisionSchema)` under the topic's value subject.
 */
export const ActionDecisionSchema = {
  "type": "record",
  "name": "ActionDecision",
  "namespace": "aix.l5.governance",
  "doc": "A human or a policy decides on a proposed action, published by L5 or by the gateway's approve/reject/cancel mutations on l5.governance.decisions.v1. An approval counts only if it carries the proposal's current binding hash.",
  "fields": [
    {
      "name": "tenantId",
      "type": {
        "type": "string",
        "logicalType": "uuid"
      },
      "doc": "Tenant of the proposal (UUID)."
    },
    {
      "name": "eventId",
      "type": {
        "type": "string",
        "logicalType": "uuid"
      },
      "doc": "Unique id of this event (UUID); consumers deduplicate on it."
    },
    {
      "name": "proposalId",
      "type": {
        "type": "string",
        "logicalType": "uuid"
      },
      "doc": "Proposal decided on (UUID)."
    },
    {
      "name": "decision",
      "type": {
        "type": "enum",
        "name": "Decision",
        "doc": "A decision on a proposal: APPROVE adds one approval, REJECT ends it, CANCEL withdraws it (proposer or admin).",
        "symbols": [
          "APPROVE",
          "REJECT",
          "CANCEL"
        ]
      },
      "doc": "What the actor decided."
    },
    {
      "name": "actor",
      "type": "string",
      "doc": "Principal that decided (user subject or policy id); an approval by the proposer is refused."
    },
    {
      "name": "actorRoles",
      "type": {
        "type": "array",
        "items": "string"
      },
      "doc": "Roles the actor held when deciding, as asserted by the authenticated token; policies may require some (e.g. admin for CRITICAL)."
    },
    {
      "name": "bindingHash",
      "type": [
        "null",
        "string"
      ],
      "default": null,
      "doc": "Binding hash the actor saw (sha256, lowercase hex). Required for APPROVE, which counts only if it equals the proposal's current hash; REJECT and CANCEL may omit it."
    },
    {
      "name": "reason",
      "type": [
        "null",
        "string"
      ],
      "default": null,
      "doc": "Why the actor decided so, kept in the audit chain; expected for REJECT and CANCEL."
    },
    {
      "name": "occurredAt",
      "type": {
        "type": "long",
        "logicalType": "timestamp-millis"
      },
      "doc": "When the decision was made (epoch milliseconds, UTC)."
    }
  ]
} as const;
