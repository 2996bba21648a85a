// GENERATED FROM contracts/avro/ObjectChange.avsc by contracts/codegen — DO NOT EDIT.
// Regenerate with `node contracts/codegen/cli.ts`; CI runs it with --check.

/**
 * One object of the ontology created, replaced or deleted in a source system, published by L2 on
 * l2.ontology.objects.v1. The L3 objects processor validates it against the object type's property
 * definitions and applies it only if sourceVersion is newer than the stored one, so redeliveries
 * and out-of-order arrivals are harmless.
 *
 * Avro record `aix.l2.ontology.ObjectChange`.
 */
export interface ObjectChange {
  /**
   * Tenant that owns the object (UUID).
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
  /** UPSERT creates or fully replaces the object; DELETE removes it together with its links. */
  op: ChangeOp;
  /** API name of the object type (as declared by a TypeDefChange), e.g. "Customer". */
  objectType: string;
  /** Id of the object in its source system; unique per tenant and objectType. */
  objectId: string;
  /**
   * Complete property set of the object as a JSON object, UTF-8 text (property name -> value).
   * Required on UPSERT, where it replaces the stored properties; null on DELETE. Values are typed
   * by the object type's property definitions, not by Avro.
   *
   * Default: `null`.
   */
  properties: string | null;
  /**
   * Vector embedding of the object for similarity search; its length must match the tenant's
   * configured dimension. Like properties, it is part of the object's state: null on UPSERT means
   * the object has no embedding.
   *
   * Default: `null`.
   */
  embedding: number[] | null;
  /**
   * Monotonic version of the object in its source system (e.g. a CDC log position or a row
   * version). A change whose sourceVersion is not greater than the stored one is ignored.
   *
   * Avro `long`, decoded as a JS number: exact up to Number.MAX_SAFE_INTEGER (2^53 - 1).
   */
  sourceVersion: number;
  /**
   * When the change happened in the source system (epoch milliseconds, UTC).
   *
   * Epoch milliseconds, UTC (Avro logical type `timestamp-millis` on `long`).
   */
  occurredAt: number;
}

/**
 * What the change does to the entity: UPSERT creates it or replaces its state, DELETE removes it.
 *
 * Avro enum `aix.l2.ontology.ChangeOp`.
 */
export type ChangeOp = 'UPSERT' | 'DELETE';

/** The symbols of {@link ChangeOp}, in schema order. */
export const ChangeOpSymbols = ['UPSERT', 'DELETE'] as const satisfies readonly ChangeOp[];

/** File under contracts/avro/ that ObjectChange is generated from. */
export const ObjectChangeSchemaFile = 'ObjectChange.avsc';

/**
 * The Avro schema of ObjectChange, exactly as in contracts/avro/ObjectChange.avsc; register
 * `JSON.stringify(ObjectChangeSchema)` under the topic's value subject.
 */
export const ObjectChangeSchema = {
  "type": "record",
  "name": "ObjectChange",
  "namespace": "aix.l2.ontology",
  "doc": "One object of the ontology created, replaced or deleted in a source system, published by L2 on l2.ontology.objects.v1. The L3 objects processor validates it against the object type's property definitions and applies it only if sourceVersion is newer than the stored one, so redeliveries and out-of-order arrivals are harmless.",
  "fields": [
    {
      "name": "tenantId",
      "type": {
        "type": "string",
        "logicalType": "uuid"
      },
      "doc": "Tenant that owns the object (UUID)."
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
      "name": "op",
      "type": {
        "type": "enum",
        "name": "ChangeOp",
        "doc": "What the change does to the entity: UPSERT creates it or replaces its state, DELETE removes it.",
        "symbols": [
          "UPSERT",
          "DELETE"
        ]
      },
      "doc": "UPSERT creates or fully replaces the object; DELETE removes it together with its links."
    },
    {
      "name": "objectType",
      "type": "string",
      "doc": "API name of the object type (as declared by a TypeDefChange), e.g. \"Customer\"."
    },
    {
      "name": "objectId",
      "type": "string",
      "doc": "Id of the object in its source system; unique per tenant and objectType."
    },
    {
      "name": "properties",
      "type": [
        "null",
        "string"
      ],
      "default": null,
      "doc": "Complete property set of the object as a JSON object, UTF-8 text (property name -> value). Required on UPSERT, where it replaces the stored properties; null on DELETE. Values are typed by the object type's property definitions, not by Avro."
    },
    {
      "name": "embedding",
      "type": [
        "null",
        {
          "type": "array",
          "items": "float"
        }
      ],
      "default": null,
      "doc": "Vector embedding of the object for similarity search; its length must match the tenant's configured dimension. Like properties, it is part of the object's state: null on UPSERT means the object has no embedding."
    },
    {
      "name": "sourceVersion",
      "type": "long",
      "doc": "Monotonic version of the object in its source system (e.g. a CDC log position or a row version). A change whose sourceVersion is not greater than the stored one is ignored."
    },
    {
      "name": "occurredAt",
      "type": {
        "type": "long",
        "logicalType": "timestamp-millis"
      },
      "doc": "When the change happened in the source system (epoch milliseconds, UTC)."
    }
  ]
} as const;
