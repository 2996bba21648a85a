// GENERATED FROM contracts/avro/ActionStateChanged.avsc by contracts/codegen — DO NOT EDIT.
// Regenerate with `node contracts/codegen/cli.ts`; CI runs it with --check.

/**
 * A proposal moved from one governance state to another, published once through the transactional
 * outbox on l3.actions.lifecycle.v1, in order per proposal. Refused transitions are not published
 * here; they are audited.
 *
 * Avro record `aix.l3.actions.ActionStateChanged`.
 */
export interface ActionStateChanged {
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
   * Proposal whose state changed (UUID).
   *
   * UUID string (Avro logical type `uuid` on `string`).
   */
  proposalId: string;
  /** API name of the proposal's tool catalog entry, so consumers can filter without a lookup. */
  actionType: string;
  /**
   * State before the change; null when the proposal was just created.
   *
   * Default: `null`.
   */
  from: ActionState | null;
  /** State after the change. */
  to: ActionState;
  /**
   * Blast radius computed by simulation; null until the proposal has been simulated.
   *
   * Default: `null`.
   */
  blastRadius: BlastRadius | null;
  /**
   * Current binding hash of the proposal (sha256, lowercase hex) that approvals must carry; null
   * until the proposal has been simulated.
   *
   * Default: `null`.
   */
  bindingHash: string | null;
  /**
   * Principal that caused the transition: the proposer, an approver, an executor, or "l3" for
   * transitions L3 makes itself (simulation, expiry, staleness).
   */
  actor: string;
  /**
   * Why the transition happened when it is not self-evident (rejection reason, execution error,
   * which object version moved); null otherwise.
   *
   * Default: `null`.
   */
  reason: string | null;
  /**
   * When L3 committed the transition (epoch milliseconds, UTC).
   *
   * Epoch milliseconds, UTC (Avro logical type `timestamp-millis` on `long`).
   */
  occurredAt: number;
}

/**
 * Governance state of a proposal. PROPOSED -> SIMULATED -> PENDING_APPROVAL -> APPROVED ->
 * EXECUTING -> EXECUTED or FAILED; REJECTED, CANCELLED, EXPIRED and STALE end a proposal early.
 *
 * Avro enum `aix.l3.actions.ActionState`.
 */
export type ActionState = 'PROPOSED' | 'SIMULATED' | 'PENDING_APPROVAL' | 'APPROVED' | 'EXECUTING' | 'EXECUTED' | 'FAILED' | 'REJECTED' | 'CANCELLED' | 'EXPIRED' | 'STALE';

/** The symbols of {@link ActionState}, in schema order. */
export const ActionStateSymbols = ['PROPOSED', 'SIMULATED', 'PENDING_APPROVAL', 'APPROVED', 'EXECUTING', 'EXECUTED', 'FAILED', 'REJECTED', 'CANCELLED', 'EXPIRED', 'STALE'] as const satisfies readonly ActionState[];

/**
 * How much harm an action can do if it is wrong, from LOW to CRITICAL.
 *
 * Avro enum `aix.l3.actions.BlastRadius`.
 */
export type BlastRadius = 'LOW' | 'MEDIUM' | 'HIGH' | 'CRITICAL';

/** The symbols of {@link BlastRadius}, in schema order. */
export const BlastRadiusSymbols = ['LOW', 'MEDIUM', 'HIGH', 'CRITICAL'] as const satisfies readonly BlastRadius[];

/** File under contracts/avro/ that ActionStateChanged is generated from. */
export const ActionStateChangedSchemaFile = 'ActionStateChanged.avsc';

/**
 * The Avro schema of ActionStateChanged, exactly as in contracts/avro/ActionStateChanged.avsc; register
 * `JSON.stringify(ActionStateChangedSchema)` under the topic's value subject.
 */
export const ActionStateChangedSchema = {
  "type": "record",
  "name": "ActionStateChanged",
  "namespace": "aix.l3.actions",
  "doc": "A proposal moved from one governance state to another, published once through the transactional outbox on l3.actions.lifecycle.v1, in order per proposal. Refused transitions are not published here; they are audited.",
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
      "doc": "Proposal whose state changed (UUID)."
    },
    {
      "name": "actionType",
      "type": "string",
      "doc": "API name of the proposal's tool catalog entry, so consumers can filter without a lookup."
    },
    {
      "name": "from",
      "type": [
        "null",
        {
          "type": "enum",
          "name": "ActionState",
          "doc": "Governance state of a proposal. PROPOSED -> SIMULATED -> PENDING_APPROVAL -> APPROVED -> EXECUTING -> EXECUTED or FAILED; REJECTED, CANCELLED, EXPIRED and STALE end a proposal early.",
          "symbols": [
            "PROPOSED",
            "SIMULATED",
            "PENDING_APPROVAL",
            "APPROVED",
            "EXECUTING",
            "EXECUTED",
            "FAILED",
            "REJECTED",
            "CANCELLED",
            "EXPIRED",
            "STALE"
          ]
        }
      ],
      "default": null,
      "doc": "State before the change; null when the proposal was just created."
    },
    {
      "name": "to",
      "type": "ActionState",
      "doc": "State after the change."
    },
    {
      "name": "blastRadius",
      "type": [
        "null",
        {
          "type": "enum",
          "name": "BlastRadius",
          "doc": "How much harm an action can do if it is wrong, from LOW to CRITICAL.",
          "symbols": [
            "LOW",
            "MEDIUM",
            "HIGH",
            "CRITICAL"
          ]
        }
      ],
      "default": null,
      "doc": "Blast radius computed by simulation; null until the proposal has been simulated."
    },
    {
      "name": "bindingHash",
      "type": [
        "null",
        "string"
      ],
      "default": null,
      "doc": "Current binding hash of the proposal (sha256, lowercase hex) that approvals must carry; null until the proposal has been simulated."
    },
    {
      "name": "actor",
      "type": "string",
      "doc": "Principal that caused the transition: the proposer, an approver, an executor, or \"l3\" for transitions L3 makes itself (simulation, expiry, staleness)."
    },
    {
      "name": "reason",
      "type": [
        "null",
        "string"
      ],
      "default": null,
      "doc": "Why the transition happened when it is not self-evident (rejection reason, execution error, which object version moved); null otherwise."
    },
    {
      "name": "occurredAt",
      "type": {
        "type": "long",
        "logicalType": "timestamp-millis"
      },
      "doc": "When L3 committed the transition (epoch milliseconds, UTC)."
    }
  ]
} as const;
