// GENERATED FROM contracts/avro/LinkChange.avsc by contracts/codegen — DO NOT EDIT.
// Regenerate with `node contracts/codegen/cli.ts`; CI runs it with --check.

/**
 * One typed link between two objects created, replaced or deleted in a source system, published by
 * L2 on l2.ontology.links.v1. A link is identified by (linkType, from, to); the L3 links processor
 * applies it only if sourceVersion is newer than the stored one.
 *
 * Avro record `aix.l2.ontology.LinkChange`.
 */
export interface LinkChange {
  /**
   * Tenant that owns the link (UUID).
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
  /** UPSERT creates the link or replaces its properties; DELETE removes it. */
  op: ChangeOp;
  /** API name of the link type (as declared by a TypeDefChange), e.g. "placedOrder". */
  linkType: string;
  /** Source end of the link; its type must be the link type's fromType. */
  from: ObjectRef;
  /** Target end of the link; its type must be the link type's toType. */
  to: ObjectRef;
  /**
   * Complete property set of the link as a JSON object, UTF-8 text (property name -> value). Null
   * means no properties on UPSERT and is ignored on DELETE. Values are typed by the link type's
   * property definitions, not by Avro.
   *
   * Default: `null`.
   */
  properties: string | null;
  /**
   * Monotonic version of the link in its source system. A change whose sourceVersion is not greater
   * than the stored one is ignored.
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

/**
 * Reference to one object of the ontology by type and source id.
 *
 * Avro record `aix.l2.ontology.ObjectRef`.
 */
export interface ObjectRef {
  /** API name of the object type. */
  objectType: string;
  /** Id of the object in its source system; unique per tenant and objectType. */
  objectId: string;
}

/** File under contracts/avro/ that LinkChange is generated from. */
export const LinkChangeSchemaFile = 'LinkChange.avsc';

/**
 * The Avro schema of LinkChange, exactly as in contracts/avro/LinkChange.avsc; register
 * `JSON.stringify(LinkChangeSchema)` under the topic's value subject.
 */
export const LinkChangeSchema = {
  "type": "record",
  "name": "LinkChange",
  "namespace": "aix.l2.ontology",
  "doc": "One typed link between two objects created, replaced or deleted in a source system, published by L2 on l2.ontology.links.v1. A link is identified by (linkType, from, to); the L3 links processor applies it only if sourceVersion is newer than the stored one.",
  "fields": [
    {
      "name": "tenantId",
      "type": {
        "type": "string",
        "logicalType": "uuid"
      },
      "doc": "Tenant that owns the link (UUID)."
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
      "doc": "UPSERT creates the link or replaces its properties; DELETE removes it."
    },
    {
      "name": "linkType",
      "type": "string",
      "doc": "API name of the link type (as declared by a TypeDefChange), e.g. \"placedOrder\"."
    },
    {
      "name": "from",
      "type": {
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
      },
      "doc": "Source end of the link; its type must be the link type's fromType."
    },
    {
      "name": "to",
      "type": "ObjectRef",
      "doc": "Target end of the link; its type must be the link type's toType."
    },
    {
      "name": "properties",
      "type": [
        "null",
        "string"
      ],
      "default": null,
      "doc": "Complete property set of the link as a JSON object, UTF-8 text (property name -> value). Null means no properties on UPSERT and is ignored on DELETE. Values are typed by the link type's property definitions, not by Avro."
    },
    {
      "name": "sourceVersion",
      "type": "long",
      "doc": "Monotonic version of the link in its source system. A change whose sourceVersion is not greater than the stored one is ignored."
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
