// GENERATED FROM contracts/avro/AuditEventAppended.avsc by contracts/codegen — DO NOT EDIT.
// Regenerate with `node contracts/codegen/cli.ts`; CI runs it with --check.

/**
 * An event appended to a tenant's hash-chained audit log, published once through the transactional
 * outbox on l3.audit.events.v1 in seq order per tenant. Carries everything needed to re-verify the
 * chain: hash = sha256(prevHash || JCS(event)).
 *
 * Avro record `aix.l3.audit.AuditEventAppended`.
 */
export interface AuditEventAppended {
  /**
   * Tenant whose audit chain grew (UUID).
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
   * Position in the tenant's audit chain; gapless, starting at 1.
   *
   * Avro `long`, decoded as a JS number: exact up to Number.MAX_SAFE_INTEGER (2^53 - 1).
   */
  seq: number;
  /** sha256 (lowercase hex) of prevHash followed by the RFC 8785 (JCS) canonical form of event. */
  hash: string;
  /**
   * hash of the previous event in the tenant's chain (sha256, lowercase hex); for seq 1, the
   * chain's genesis value as stored in audit_events.prev_hash.
   */
  prevHash: string;
  /**
   * Dotted name of what happened (e.g. "action.approved", "typedef.upserted"), for filtering
   * without parsing event.
   */
  eventType: string;
  /**
   * The audited event as a JSON object, UTF-8 text; its RFC 8785 (JCS) canonical form is what hash
   * covers.
   */
  event: string;
  /**
   * When the event was appended (epoch milliseconds, UTC).
   *
   * Epoch milliseconds, UTC (Avro logical type `timestamp-millis` on `long`).
   */
  occurredAt: number;
}

/** File under contracts/avro/ that AuditEventAppended is generated from. */
export const AuditEventAppendedSchemaFile = 'AuditEventAppended.avsc';

/**
 * The Avro schema of AuditEventAppended, exactly as in contracts/avro/AuditEventAppended.avsc; register
 * `JSON.stringify(AuditEventAppendedSchema)` under the topic's value subject.
 */
export const AuditEventAppendedSchema = {
  "type": "record",
  "name": "AuditEventAppended",
  "namespace": "aix.l3.audit",
  "doc": "An event appended to a tenant's hash-chained audit log, published once through the transactional outbox on l3.audit.events.v1 in seq order per tenant. Carries everything needed to re-verify the chain: hash = sha256(prevHash || JCS(event)).",
  "fields": [
    {
      "name": "tenantId",
      "type": {
        "type": "string",
        "logicalType": "uuid"
      },
      "doc": "Tenant whose audit chain grew (UUID)."
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
      "name": "seq",
      "type": "long",
      "doc": "Position in the tenant's audit chain; gapless, starting at 1."
    },
    {
      "name": "hash",
      "type": "string",
      "doc": "sha256 (lowercase hex) of prevHash followed by the RFC 8785 (JCS) canonical form of event."
    },
    {
      "name": "prevHash",
      "type": "string",
      "doc": "hash of the previous event in the tenant's chain (sha256, lowercase hex); for seq 1, the chain's genesis value as stored in audit_events.prev_hash."
    },
    {
      "name": "eventType",
      "type": "string",
      "doc": "Dotted name of what happened (e.g. \"action.approved\", \"typedef.upserted\"), for filtering without parsing event."
    },
    {
      "name": "event",
      "type": "string",
      "doc": "The audited event as a JSON object, UTF-8 text; its RFC 8785 (JCS) canonical form is what hash covers."
    },
    {
      "name": "occurredAt",
      "type": {
        "type": "long",
        "logicalType": "timestamp-millis"
      },
      "doc": "When the event was appended (epoch milliseconds, UTC)."
    }
  ]
} as const;
