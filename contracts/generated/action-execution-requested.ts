// GENERATED FROM contracts/avro/ActionExecutionRequested.avsc by contracts/codegen — DO NOT EDIT.
// Regenerate with `node contracts/codegen/cli.ts`; CI runs it with --check.

/**
 * L3 asks an L4 executor to carry out the external side effects of an approved action, published
 * once through the transactional outbox on l3.actions.execution-requests.v1. The executor answers
 * with an ActionResult carrying the same executionId and bindingHash.
 *
 * Avro record `aix.l3.actions.ActionExecutionRequested`.
 */
export interface ActionExecutionRequested {
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
   * Proposal being executed (UUID).
   *
   * UUID string (Avro logical type `uuid` on `string`).
   */
  proposalId: string;
  /**
   * Id of this execution (UUID), assigned by L3; the executor uses it as its idempotency key
   * towards external systems and copies it into the ActionResult.
   *
   * UUID string (Avro logical type `uuid` on `string`).
   */
  executionId: string;
  /** API name of the tool catalog entry to execute. */
  actionType: string;
  /**
   * Tool version the proposal was approved against; the executor must run exactly this version.
   *
   * Avro `long`, decoded as a JS number: exact up to Number.MAX_SAFE_INTEGER (2^53 - 1).
   */
  actionTypeVersion: number;
  /**
   * Approved parameters as a JSON object, UTF-8 text; valid against the tool version's
   * parametersSchema.
   */
  parameters: string;
  /** Objects the action is about, as approved. */
  targets: ObjectRef[];
  /**
   * Binding hash the approvals were given for (sha256, lowercase hex); the executor copies it into
   * the ActionResult.
   */
  bindingHash: string;
  /**
   * Time after which the executor must not start the execution and must report FAILED instead
   * (epoch milliseconds, UTC); null when the proposal does not expire.
   *
   * Epoch milliseconds, UTC (Avro logical type `timestamp-millis` on `long`).
   *
   * Default: `null`.
   */
  expiresAt: number | null;
  /**
   * When L3 committed the request (epoch milliseconds, UTC).
   *
   * Epoch milliseconds, UTC (Avro logical type `timestamp-millis` on `long`).
   */
  requestedAt: number;
}

/**
 * Reference to one object of the ontology by type and source id.
 *
 * Avro record `aix.l3.actions.ObjectRef`.
 */
export interface ObjectRef {
  /** API name of the object type. */
  objectType: string;
  /** Id of the object in its source system; unique per tenant and objectType. */
  objectId: string;
}

/** File under contracts/avro/ that ActionExecutionRequested is generated from. */
export const ActionExecutionRequestedSchemaFile = 'ActionExecutionRequested.avsc';

/**
 * The Avro schema of ActionExecutionRequested, exactly as in contracts/avro/ActionExecutionRequested.avsc; register
 * `JSON.stringify(ActionExecutionRequestedSchema)` under the topic's value subject.
 */
export const ActionExecutionRequestedSchema = {
  "type": "record",
  "name": "ActionExecutionRequested",
  "namespace": "aix.l3.actions",
  "doc": "L3 asks an L4 executor to carry out the external side effects of an approved action, published once through the transactional outbox on l3.actions.execution-requests.v1. The executor answers with an ActionResult carrying the same executionId and bindingHash.",
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
      "doc": "Proposal being executed (UUID)."
    },
    {
      "name": "executionId",
      "type": {
        "type": "string",
        "logicalType": "uuid"
      },
      "doc": "Id of this execution (UUID), assigned by L3; the executor uses it as its idempotency key towards external systems and copies it into the ActionResult."
    },
    {
      "name": "actionType",
      "type": "string",
      "doc": "API name of the tool catalog entry to execute."
    },
    {
      "name": "actionTypeVersion",
      "type": "long",
      "doc": "Tool version the proposal was approved against; the executor must run exactly this version."
    },
    {
      "name": "parameters",
      "type": "string",
      "doc": "Approved parameters as a JSON object, UTF-8 text; valid against the tool version's parametersSchema."
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
      "doc": "Objects the action is about, as approved."
    },
    {
      "name": "bindingHash",
      "type": "string",
      "doc": "Binding hash the approvals were given for (sha256, lowercase hex); the executor copies it into the ActionResult."
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
      "doc": "Time after which the executor must not start the execution and must report FAILED instead (epoch milliseconds, UTC); null when the proposal does not expire."
    },
    {
      "name": "requestedAt",
      "type": {
        "type": "long",
        "logicalType": "timestamp-millis"
      },
      "doc": "When L3 committed the request (epoch milliseconds, UTC)."
    }
  ]
} as const;
