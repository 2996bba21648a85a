// GENERATED FROM contracts/avro/OntologyChanged.avsc by contracts/codegen — DO NOT EDIT.
// Regenerate with `node contracts/codegen/cli.ts`; CI runs it with --check.

/**
 * A change that L3 committed to its ontology (a definition, an object or a link), published once
 * through the transactional outbox on l3.ontology.changes.v1, in commit order per entity. Feeds
 * GraphQL subscriptions and downstream consumers.
 *
 * Avro record `aix.l3.ontology.OntologyChanged`.
 */
export interface OntologyChanged {
  /**
   * Tenant whose ontology changed (UUID).
   *
   * UUID string (Avro logical type `uuid` on `string`).
   */
  tenantId: string;
  /**
   * Unique id of this event (UUID), assigned when the outbox row is written; consumers deduplicate
   * on it.
   *
   * UUID string (Avro logical type `uuid` on `string`).
   */
  eventId: string;
  /** Kind of the entity that changed. */
  entityKind: EntityKind;
  /**
   * Id of the entity within its kind: the definition's API name for OBJECT_TYPE, LINK_TYPE and
   * TOOL; the objectId for OBJECT (unique together with entityType); the id L3 assigned to the link
   * for LINK.
   */
  entityId: string;
  /**
   * API name of the entity's type: the objectType for OBJECT, the linkType for LINK; null for
   * definitions.
   *
   * Default: `null`.
   */
  entityType: string | null;
  /** UPSERT when the entity was created or replaced, DELETE when it was removed. */
  op: ChangeOp;
  /**
   * Version of the entity in L3 after the change (objects.version for OBJECT, the definition
   * version for definitions); increases with every change of the entity.
   *
   * Avro `long`, decoded as a JS number: exact up to Number.MAX_SAFE_INTEGER (2^53 - 1).
   */
  version: number;
  /**
   * State of the entity after the change as a JSON object, UTF-8 text, in the shape the GraphQL API
   * returns it; null on DELETE. Sensitive property values are included, so consumers must apply
   * authorization before forwarding them.
   *
   * Default: `null`.
   */
  after: string | null;
  /**
   * Ends of the link when entityKind is LINK (also on DELETE, where after is null); null for every
   * other kind.
   *
   * Default: `null`.
   */
  link: LinkEnds | null;
  /**
   * eventId of the input event that caused the change (an ObjectChange, LinkChange, TypeDefChange
   * or ActionResult), for lineage; null when there is none.
   *
   * UUID string (Avro logical type `uuid` on `string`).
   *
   * Default: `null`.
   */
  sourceEventId: string | null;
  /**
   * Proposal whose execution made the change (UUID); null for changes that came from L2 or from
   * definitions.
   *
   * UUID string (Avro logical type `uuid` on `string`).
   *
   * Default: `null`.
   */
  proposalId: string | null;
  /**
   * When L3 committed the change (epoch milliseconds, UTC).
   *
   * Epoch milliseconds, UTC (Avro logical type `timestamp-millis` on `long`).
   */
  occurredAt: number;
}

/**
 * Kind of ontology entity a change is about.
 *
 * Avro enum `aix.l3.ontology.EntityKind`.
 */
export type EntityKind = 'OBJECT_TYPE' | 'LINK_TYPE' | 'TOOL' | 'OBJECT' | 'LINK';

/** The symbols of {@link EntityKind}, in schema order. */
export const EntityKindSymbols = ['OBJECT_TYPE', 'LINK_TYPE', 'TOOL', 'OBJECT', 'LINK'] as const satisfies readonly EntityKind[];

/**
 * What the change does to the entity: UPSERT creates it or replaces its state, DELETE removes it.
 *
 * Avro enum `aix.l3.ontology.ChangeOp`.
 */
export type ChangeOp = 'UPSERT' | 'DELETE';

/** The symbols of {@link ChangeOp}, in schema order. */
export const ChangeOpSymbols = ['UPSERT', 'DELETE'] as const satisfies readonly ChangeOp[];

/**
 * The two objects a link connects.
 *
 * Avro record `aix.l3.ontology.LinkEnds`.
 */
export interface LinkEnds {
  /** Source end of the link. */
  from: ObjectRef;
  /** Target end of the link. */
  to: ObjectRef;
}

/**
 * Reference to one object of the ontology by type and source id.
 *
 * Avro record `aix.l3.ontology.ObjectRef`.
 */
export interface ObjectRef {
  /** API name of the object type. */
  objectType: string;
  /** Id of the object in its source system; unique per tenant and objectType. */
  objectId: string;
}

/** File under contracts/avro/ that OntologyChanged is generated from. */
export const OntologyChangedSchemaFile = 'OntologyChanged.avsc';

/**
 * The Avro schema of OntologyChanged, exactly as in contracts/avro/OntologyChanged.avsc; register
 * `JSON.stringify(OntologyChangedSchema)` under the topic's value subject.
 */
export const OntologyChangedSchema = {
  "type": "record",
  "name": "OntologyChanged",
  "namespace": "aix.l3.ontology",
  "doc": "A change that L3 committed to its ontology (a definition, an object or a link), published once through the transactional outbox on l3.ontology.changes.v1, in commit order per entity. Feeds GraphQL subscriptions and downstream consumers.",
  "fields": [
    {
      "name": "tenantId",
      "type": {
        "type": "string",
        "logicalType": "uuid"
      },
      "doc": "Tenant whose ontology changed (UUID)."
    },
    {
      "name": "eventId",
      "type": {
        "type": "string",
        "logicalType": "uuid"
      },
      "doc": "Unique id of this event (UUID), assigned when the outbox row is written; consumers deduplicate on it."
    },
    {
      "name": "entityKind",
      "type": {
        "type": "enum",
        "name": "EntityKind",
        "doc": "Kind of ontology entity a change is about.",
        "symbols": [
          "OBJECT_TYPE",
          "LINK_TYPE",
          "TOOL",
          "OBJECT",
          "LINK"
        ]
      },
      "doc": "Kind of the entity that changed."
    },
    {
      "name": "entityId",
      "type": "string",
      "doc": "Id of the entity within its kind: the definition's API name for OBJECT_TYPE, LINK_TYPE and TOOL; the objectId for OBJECT (unique together with entityType); the id L3 assigned to the link for LINK."
    },
    {
      "name": "entityType",
      "type": [
        "null",
        "string"
      ],
      "default": null,
      "doc": "API name of the entity's type: the objectType for OBJECT, the linkType for LINK; null for definitions."
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
      "doc": "UPSERT when the entity was created or replaced, DELETE when it was removed."
    },
    {
      "name": "version",
      "type": "long",
      "doc": "Version of the entity in L3 after the change (objects.version for OBJECT, the definition version for definitions); increases with every change of the entity."
    },
    {
      "name": "after",
      "type": [
        "null",
        "string"
      ],
      "default": null,
      "doc": "State of the entity after the change as a JSON object, UTF-8 text, in the shape the GraphQL API returns it; null on DELETE. Sensitive property values are included, so consumers must apply authorization before forwarding them."
    },
    {
      "name": "link",
      "type": [
        "null",
        {
          "type": "record",
          "name": "LinkEnds",
          "doc": "The two objects a link connects.",
          "fields": [
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
              "doc": "Source end of the link."
            },
            {
              "name": "to",
              "type": "ObjectRef",
              "doc": "Target end of the link."
            }
          ]
        }
      ],
      "default": null,
      "doc": "Ends of the link when entityKind is LINK (also on DELETE, where after is null); null for every other kind."
    },
    {
      "name": "sourceEventId",
      "type": [
        "null",
        {
          "type": "string",
          "logicalType": "uuid"
        }
      ],
      "default": null,
      "doc": "eventId of the input event that caused the change (an ObjectChange, LinkChange, TypeDefChange or ActionResult), for lineage; null when there is none."
    },
    {
      "name": "proposalId",
      "type": [
        "null",
        {
          "type": "string",
          "logicalType": "uuid"
        }
      ],
      "default": null,
      "doc": "Proposal whose execution made the change (UUID); null for changes that came from L2 or from definitions."
    },
    {
      "name": "occurredAt",
      "type": {
        "type": "long",
        "logicalType": "timestamp-millis"
      },
      "doc": "When L3 committed the change (epoch milliseconds, UTC)."
    }
  ]
} as const;
