// GENERATED FROM contracts/avro/ActionProposed.avsc by contracts/codegen — DO NOT EDIT.
// Regenerate with `node contracts/codegen/cli.ts`; CI runs it with --check.

/**
 * An agent (or a human through the gateway or MCP) proposes to run an action of the tool catalog,
 * published on l4.agent.proposals.v1. L3 simulates it, computes its blast radius and binding hash,
 * and moves it through the governance states.
 *
 * Avro record `aix.l4.agent.ActionProposed`.
 */
export interface ActionProposed {
  /**
   * Tenant in which the action would run (UUID).
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
   * Id of the proposal (UUID), chosen by the proposer; every later event about it carries it.
   *
   * UUID string (Avro logical type `uuid` on `string`).
   */
  proposalId: string;
  /**
   * Key chosen by the proposer so that a retried proposal is not created twice; unique per tenant,
   * whoever proposes (agents sharing a tenant should prefix keys with their own identity). A second
   * proposal in the tenant with the same key is ignored.
   */
  idempotencyKey: string;
  /** API name of the tool catalog entry to run. */
  actionType: string;
  /**
   * Tool version the proposer was written against; null means the current version when L3 receives
   * the proposal. L3 pins the version it resolves.
   *
   * Avro `long`, decoded as a JS number: exact up to Number.MAX_SAFE_INTEGER (2^53 - 1).
   *
   * Default: `null`.
   */
  actionTypeVersion: number | null;
  /**
   * Parameters of the action as a JSON object, UTF-8 text; must satisfy the tool's
   * parametersSchema.
   */
  parameters: string;
  /**
   * Objects the action is about, in the order the proposer lists them; may be empty for actions
   * that only create objects.
   */
  targets: ObjectRef[];
  /**
   * Principal that proposes the action (agent id or user subject); it can never approve its own
   * proposal.
   */
  proposedBy: string;
  /** Why the proposer wants the action, shown to approvers and kept in the audit chain. */
  rationale: string;
  /**
   * When the proposal expires if not yet executed (epoch milliseconds, UTC); null lets the tenant
   * policy's default apply.
   *
   * Epoch milliseconds, UTC (Avro logical type `timestamp-millis` on `long`).
   *
   * Default: `null`.
   */
  expiresAt: number | null;
  /**
   * When the action was proposed (epoch milliseconds, UTC).
   *
   * Epoch milliseconds, UTC (Avro logical type `timestamp-millis` on `long`).
   */
  occurredAt: number;
}

/**
 * Reference to one object of the ontology by type and source id.
 *
 * Avro record `aix.l4.agent.ObjectRef`.
 */
export interface ObjectRef {
  /** API name of the object type. */
  objectType: string;
  /** Id of the object in its source system; unique per tenant and objectType. */
  objectId: string;
}

/** File under contracts/avro/ that ActionProposed is generated from. */
export const ActionProposedSchemaFile = 'ActionProposed.avsc';

/**
 * The Avro schema of ActionProposed, exactly as in contracts/avro/ActionProposed.avsc; register
 * `JSON.stringify(ActionProposedSchema)` under the topic's value subject.
 */
export const ActionProposedSchema = {
  "type": "record",
  "name": "ActionProposed",
  "namespace": "aix.l4.agent",
  "doc": "An agent (or a human through the gateway or MCP) proposes to run an action of the tool catalog, published on l4.agent.proposals.v1. L3 simulates it, computes its blast radius and binding hash, and moves it through the governance states.",
  "fields": [
    {
      "name": "tenantId",
      "type": {
        "type": "string",
        "logicalType": "uuid"
      },
      "doc": "Tenant in which the action would run (UUID)."
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
      "doc": "Id of the proposal (UUID), chosen by the proposer; every later event about it carries it."
    },
    {
      "name": "idempotencyKey",
      "type": "string",
      "doc": "Key chosen by the proposer so that a retried proposal is not created twice; unique per tenant, whoever proposes (agents sharing a tenant should prefix keys with their own identity). A second proposal in the tenant with the same key is ignored."
    },
    {
      "name": "actionType",
      "type": "string",
      "doc": "API name of the tool catalog entry to run."
    },
    {
      "name": "actionTypeVersion",
      "type": [
        "null",
        "long"
      ],
      "default": null,
      "doc": "Tool version the proposer was written against; null means the current version when L3 receives the proposal. L3 pins the version it resolves."
    },
    {
      "name": "parameters",
      "type": "string",
      "doc": "Parameters of the action as a JSON object, UTF-8 text; must satisfy the tool's parametersSchema."
    },
    {
      "name": "targets",
      "type": {
        "type": "array",
        "items": {
          "type": "record",
          "name": "ObjectRef",
          "doc": "Reference to one object of the ontology by type and source id.",
          "fields": [
            {
              "name": "objectType",
              "type": "string",
              "doc": "API name of the object type."
            },
            {
              "name": "objectId",
              "type": "string",
              "doc": "Id of the object in its source system; unique per tenant and objectType."
            }
          ]
        }
      },
      "doc": "Objects the action is about, in the order the proposer lists them; may be empty for actions that only create objects."
    },
    {
      "name": "proposedBy",
      "type": "string",
      "doc": "Principal that proposes the action (agent id or user subject); it can never approve its own proposal."
    },
    {
      "name": "rationale",
      "type": "string",
      "doc": "Why the proposer wants the action, shown to approvers and kept in the audit chain."
    },
    {
      "name": "expiresAt",
      "type": [
        "null",
        {
          "type": "long",
          "logicalType": "timestamp-millis"
        }
      ],
      "default": null,
      "doc": "When the proposal expires if not yet executed (epoch milliseconds, UTC); null lets the tenant policy's default apply."
    },
    {
      "name": "occurredAt",
      "type": {
        "type": "long",
        "logicalType": "timestamp-millis"
      },
      "doc": "When the action was proposed (epoch milliseconds, UTC)."
    }
  ]
} as const;
