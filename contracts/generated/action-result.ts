// GENERATED FROM contracts/avro/ActionResult.avsc by contracts/codegen — DO NOT EDIT.
// Regenerate with `node contracts/codegen/cli.ts`; CI runs it with --check.

/**
 * An L4 executor reports how the external side effects of an approved action went, published on
 * l4.agent.action-results.v1 in answer to an ActionExecutionRequested. L3 moves the proposal to
 * EXECUTED or FAILED.
 *
 * Avro record `aix.l4.agent.ActionResult`.
 */
export interface ActionResult {
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
   * Proposal whose action was executed (UUID).
   *
   * UUID string (Avro logical type `uuid` on `string`).
   */
  proposalId: string;
  /**
   * Execution this result answers (UUID), copied from the ActionExecutionRequested; a result for an
   * unknown or finished execution is ignored.
   *
   * UUID string (Avro logical type `uuid` on `string`).
   */
  executionId: string;
  /**
   * Whether the side effects were carried out; the executor retries transient failures itself and
   * reports only the final outcome.
   */
  status: ResultStatus;
  /**
   * What the executor returns (e.g. ids in the external system) as a JSON object, UTF-8 text; "{}"
   * when there is nothing to report.
   */
  output: string;
  /**
   * Why the execution failed; set when status is FAILED, null otherwise.
   *
   * Default: `null`.
   */
  error: ActionError | null;
  /**
   * Binding hash copied from the ActionExecutionRequested (sha256, lowercase hex); proves what was
   * approved is what ran.
   */
  bindingHash: string;
  /**
   * Principal of the executor that ran the side effects; recorded as the actor of the resulting
   * state change.
   */
  executor: string;
  /**
   * When the execution finished (epoch milliseconds, UTC).
   *
   * Epoch milliseconds, UTC (Avro logical type `timestamp-millis` on `long`).
   */
  occurredAt: number;
}

/**
 * Final outcome of an execution.
 *
 * Avro enum `aix.l4.agent.ResultStatus`.
 */
export type ResultStatus = 'SUCCEEDED' | 'FAILED';

/** The symbols of {@link ResultStatus}, in schema order. */
export const ResultStatusSymbols = ['SUCCEEDED', 'FAILED'] as const satisfies readonly ResultStatus[];

/**
 * Why an execution failed.
 *
 * Avro record `aix.l4.agent.ActionError`.
 */
export interface ActionError {
  /** Stable, machine-readable error code chosen by the executor. */
  code: string;
  /** Human-readable explanation; must not contain secrets. */
  message: string;
}

/** File under contracts/avro/ that ActionResult is generated from. */
export const ActionResultSchemaFile = 'ActionResult.avsc';

/**
 * The Avro schema of ActionResult, exactly as in contracts/avro/ActionResult.avsc; register
 * `JSON.stringify(ActionResultSchema)` under the topic's value subject.
 */
export const ActionResultSchema = {
  "type": "record",
  "name": "ActionResult",
  "namespace": "aix.l4.agent",
  "doc": "An L4 executor reports how the external side effects of an approved action went, published on l4.agent.action-results.v1 in answer to an ActionExecutionRequested. L3 moves the proposal to EXECUTED or FAILED.",
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
      "doc": "Proposal whose action was executed (UUID)."
    },
    {
      "name": "executionId",
      "type": {
        "type": "string",
        "logicalType": "uuid"
      },
      "doc": "Execution this result answers (UUID), copied from the ActionExecutionRequested; a result for an unknown or finished execution is ignored."
    },
    {
      "name": "status",
      "type": {
        "type": "enum",
        "name": "ResultStatus",
        "doc": "Final outcome of an execution.",
        "symbols": [
          "SUCCEEDED",
          "FAILED"
        ]
      },
      "doc": "Whether the side effects were carried out; the executor retries transient failures itself and reports only the final outcome."
    },
    {
      "name": "output",
      "type": "string",
      "doc": "What the executor returns (e.g. ids in the external system) as a JSON object, UTF-8 text; \"{}\" when there is nothing to report."
    },
    {
      "name": "error",
      "type": [
        "null",
        {
          "type": "record",
          "name": "ActionError",
          "doc": "Why an execution failed.",
          "fields": [
            {
              "name": "code",
              "type": "string",
              "doc": "Stable, machine-readable error code chosen by the executor."
            },
            {
              "name": "message",
              "type": "string",
              "doc": "Human-readable explanation; must not contain secrets."
            }
          ]
        }
      ],
      "default": null,
      "doc": "Why the execution failed; set when status is FAILED, null otherwise."
    },
    {
      "name": "bindingHash",
      "type": "string",
      "doc": "Binding hash copied from the ActionExecutionRequested (sha256, lowercase hex); proves what was approved is what ran."
    },
    {
      "name": "executor",
      "type": "string",
      "doc": "Principal of the executor that ran the side effects; recorded as the actor of the resulting state change."
    },
    {
      "name": "occurredAt",
      "type": {
        "type": "long",
        "logicalType": "timestamp-millis"
      },
      "doc": "When the execution finished (epoch milliseconds, UTC)."
    }
  ]
} as const;
