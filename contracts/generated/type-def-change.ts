// GENERATED FROM contracts/avro/TypeDefChange.avsc by contracts/codegen — DO NOT EDIT.
// Regenerate with `node contracts/codegen/cli.ts`; CI runs it with --check.

/**
 * One definition of the ontology (object type, link type or tool catalog entry) created, replaced
 * or deleted, published by the ontology-as-code CLI or the admin API on l3.ontology.typedefs.v1. On
 * UPSERT exactly one of objectType, linkType and tool is set, the one matching kind; on DELETE all
 * three are null.
 *
 * Avro record `aix.l3.ontology.TypeDefChange`.
 */
export interface TypeDefChange {
  /**
   * Tenant whose ontology is changed (UUID).
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
  /** UPSERT creates or fully replaces the definition; DELETE retires it. */
  op: ChangeOp;
  /** Kind of definition; selects which of objectType, linkType and tool is set. */
  kind: TypeDefKind;
  /**
   * API name of the definition, unique per tenant and kind (e.g. "Customer", "placedOrder",
   * "refundOrder").
   */
  name: string;
  /**
   * Version of the definition after this change, strictly increasing per tenant, kind and name; a
   * change whose version is not greater than the stored one is ignored. For TOOL it is the tool
   * version that proposals pin as actionTypeVersion.
   *
   * Avro `long`, decoded as a JS number: exact up to Number.MAX_SAFE_INTEGER (2^53 - 1).
   */
  version: number;
  /**
   * The object type definition; set only when kind is OBJECT_TYPE and op is UPSERT.
   *
   * Default: `null`.
   */
  objectType: ObjectTypeDef | null;
  /**
   * The link type definition; set only when kind is LINK_TYPE and op is UPSERT.
   *
   * Default: `null`.
   */
  linkType: LinkTypeDef | null;
  /**
   * The tool catalog entry; set only when kind is TOOL and op is UPSERT.
   *
   * Default: `null`.
   */
  tool: ToolDef | null;
  /**
   * Principal that made the change (user subject or service account), recorded in the audit chain.
   */
  actor: string;
  /**
   * When the change was submitted (epoch milliseconds, UTC).
   *
   * Epoch milliseconds, UTC (Avro logical type `timestamp-millis` on `long`).
   */
  occurredAt: number;
}

/**
 * What the change does to the entity: UPSERT creates it or replaces its state, DELETE removes it.
 *
 * Avro enum `aix.l3.ontology.ChangeOp`.
 */
export type ChangeOp = 'UPSERT' | 'DELETE';

/** The symbols of {@link ChangeOp}, in schema order. */
export const ChangeOpSymbols = ['UPSERT', 'DELETE'] as const satisfies readonly ChangeOp[];

/**
 * Which kind of ontology definition a change is about.
 *
 * Avro enum `aix.l3.ontology.TypeDefKind`.
 */
export type TypeDefKind = 'OBJECT_TYPE' | 'LINK_TYPE' | 'TOOL';

/** The symbols of {@link TypeDefKind}, in schema order. */
export const TypeDefKindSymbols = ['OBJECT_TYPE', 'LINK_TYPE', 'TOOL'] as const satisfies readonly TypeDefKind[];

/**
 * Definition of an object type: the shape every object of the type must have.
 *
 * Avro record `aix.l3.ontology.ObjectTypeDef`.
 */
export interface ObjectTypeDef {
  /** What objects of this type represent, written for humans and agents. */
  description: string;
  /** Property definitions of the object type, in display order. */
  properties: PropertyDef[];
}

/**
 * Definition of one property of an object or link type.
 *
 * Avro record `aix.l3.ontology.PropertyDef`.
 */
export interface PropertyDef {
  /** API name of the property, unique within its type. */
  name: string;
  /** Data type that values of the property must have. */
  dataType: PropertyDataType;
  /** True when every object (or link) of the type must carry a non-null value. */
  required: boolean;
  /** True when the property is filterable and L3 maintains an index for it. */
  indexed: boolean;
  /**
   * True when values are personal or confidential: redacted for callers without access, and
   * touching them raises an action's blast radius.
   */
  sensitive: boolean;
  /**
   * What the property means, written for humans and agents; null when self-explanatory.
   *
   * Default: `null`.
   */
  description: string | null;
}

/**
 * JSON representation a property value must have. TIMESTAMP is an RFC 3339 date-time string, DATE
 * an RFC 3339 full-date string, UUID a UUID string, JSON any JSON value; the *_ARRAY types are JSON
 * arrays of that item type.
 *
 * Avro enum `aix.l3.ontology.PropertyDataType`.
 */
export type PropertyDataType = 'STRING' | 'INTEGER' | 'NUMBER' | 'BOOLEAN' | 'TIMESTAMP' | 'DATE' | 'JSON' | 'STRING_ARRAY' | 'INTEGER_ARRAY' | 'NUMBER_ARRAY' | 'UUID';

/** The symbols of {@link PropertyDataType}, in schema order. */
export const PropertyDataTypeSymbols = ['STRING', 'INTEGER', 'NUMBER', 'BOOLEAN', 'TIMESTAMP', 'DATE', 'JSON', 'STRING_ARRAY', 'INTEGER_ARRAY', 'NUMBER_ARRAY', 'UUID'] as const satisfies readonly PropertyDataType[];

/**
 * Definition of a link type: a directed, typed relation between two object types.
 *
 * Avro record `aix.l3.ontology.LinkTypeDef`.
 */
export interface LinkTypeDef {
  /** What the relation means, written for humans and agents. */
  description: string;
  /** API name of the object type at the source end. */
  fromType: string;
  /** API name of the object type at the target end. */
  toType: string;
  /**
   * Cardinality of the relation. L3 keeps at most one live link in each to-one slot: an UPSERT into
   * a taken slot retires the link that held it, as a DELETE caused by that UPSERT (docs/adr/0008).
   */
  cardinality: Cardinality;
  /** Property definitions of links of this type; empty when links carry no properties. */
  properties: PropertyDef[];
}

/**
 * How many objects each end may be linked to, read from source to target.
 *
 * Avro enum `aix.l3.ontology.Cardinality`.
 */
export type Cardinality = 'ONE_TO_ONE' | 'ONE_TO_MANY' | 'MANY_TO_ONE' | 'MANY_TO_MANY';

/** The symbols of {@link Cardinality}, in schema order. */
export const CardinalitySymbols = ['ONE_TO_ONE', 'ONE_TO_MANY', 'MANY_TO_ONE', 'MANY_TO_MANY'] as const satisfies readonly Cardinality[];

/**
 * Definition of a tool catalog entry: an action type that agents may propose and governance
 * approves.
 *
 * Avro record `aix.l3.ontology.ToolDef`.
 */
export interface ToolDef {
  /** What the action does and when to use it, written for agents choosing a tool. */
  description: string;
  /**
   * JSON Schema (draft 2020-12) that a proposal's parameters must satisfy, as a JSON object, UTF-8
   * text.
   */
  parametersSchema: string;
  /**
   * Declared effects of the action as a JSON object, UTF-8 text: the ontology edits it makes
   * (simulated before approval) and the external side effects it requests.
   */
  effects: string;
  /** Lowest blast radius any proposal of this action can have; simulation may raise it. */
  baseRisk: BlastRadius;
  /**
   * Where the action's effects land; EXTERNAL and BOTH are executed through
   * l3.actions.execution-requests.v1.
   */
  effectKind: EffectKind;
  /**
   * True when the external side effects cannot be undone (a payment sent, a message delivered);
   * raises the blast radius.
   *
   * Default: `false`.
   */
  irreversible: boolean;
}

/**
 * How much harm an action can do if it is wrong, from LOW to CRITICAL.
 *
 * Avro enum `aix.l3.ontology.BlastRadius`.
 */
export type BlastRadius = 'LOW' | 'MEDIUM' | 'HIGH' | 'CRITICAL';

/** The symbols of {@link BlastRadius}, in schema order. */
export const BlastRadiusSymbols = ['LOW', 'MEDIUM', 'HIGH', 'CRITICAL'] as const satisfies readonly BlastRadius[];

/**
 * Where an action's effects land: ONTOLOGY_EDIT only in the ontology (applied by L3), EXTERNAL only
 * outside it (executed by L4), BOTH in both.
 *
 * Avro enum `aix.l3.ontology.EffectKind`.
 */
export type EffectKind = 'ONTOLOGY_EDIT' | 'EXTERNAL' | 'BOTH';

/** The symbols of {@link EffectKind}, in schema order. */
export const EffectKindSymbols = ['ONTOLOGY_EDIT', 'EXTERNAL', 'BOTH'] as const satisfies readonly EffectKind[];

/** File under contracts/avro/ that TypeDefChange is generated from. */
export const TypeDefChangeSchemaFile = 'TypeDefChange.avsc';

/**
 * The Avro schema of TypeDefChange, exactly as in contracts/avro/TypeDefChange.avsc; register
 * `JSON.stringify(TypeDefChangeSchema)` under the topic's value subject.
 */
export const TypeDefChangeSchema = {
  "type": "record",
  "name": "TypeDefChange",
  "namespace": "aix.l3.ontology",
  "doc": "One definition of the ontology (object type, link type or tool catalog entry) created, replaced or deleted, published by the ontology-as-code CLI or the admin API on l3.ontology.typedefs.v1. On UPSERT exactly one of objectType, linkType and tool is set, the one matching kind; on DELETE all three are null.",
  "fields": [
    {
      "name": "tenantId",
      "type": {
        "type": "string",
        "logicalType": "uuid"
      },
      "doc": "Tenant whose ontology is changed (UUID)."
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
      "doc": "UPSERT creates or fully replaces the definition; DELETE retires it."
    },
    {
      "name": "kind",
      "type": {
        "type": "enum",
        "name": "TypeDefKind",
        "doc": "Which kind of ontology definition a change is about.",
        "symbols": [
          "OBJECT_TYPE",
          "LINK_TYPE",
          "TOOL"
        ]
      },
      "doc": "Kind of definition; selects which of objectType, linkType and tool is set."
    },
    {
      "name": "name",
      "type": "string",
      "doc": "API name of the definition, unique per tenant and kind (e.g. \"Customer\", \"placedOrder\", \"refundOrder\")."
    },
    {
      "name": "version",
      "type": "long",
      "doc": "Version of the definition after this change, strictly increasing per tenant, kind and name; a change whose version is not greater than the stored one is ignored. For TOOL it is the tool version that proposals pin as actionTypeVersion."
    },
    {
      "name": "objectType",
      "type": [
        "null",
        {
          "type": "record",
          "name": "ObjectTypeDef",
          "doc": "Definition of an object type: the shape every object of the type must have.",
          "fields": [
            {
              "name": "description",
              "type": "string",
              "doc": "What objects of this type represent, written for humans and agents."
            },
            {
              "name": "properties",
              "type": {
                "type": "array",
                "items": {
                  "type": "record",
                  "name": "PropertyDef",
                  "doc": "Definition of one property of an object or link type.",
                  "fields": [
                    {
                      "name": "name",
                      "type": "string",
                      "doc": "API name of the property, unique within its type."
                    },
                    {
                      "name": "dataType",
                      "type": {
                        "type": "enum",
                        "name": "PropertyDataType",
                        "doc": "JSON representation a property value must have. TIMESTAMP is an RFC 3339 date-time string, DATE an RFC 3339 full-date string, UUID a UUID string, JSON any JSON value; the *_ARRAY types are JSON arrays of that item type.",
                        "symbols": [
                          "STRING",
                          "INTEGER",
                          "NUMBER",
                          "BOOLEAN",
                          "TIMESTAMP",
                          "DATE",
                          "JSON",
                          "STRING_ARRAY",
                          "INTEGER_ARRAY",
                          "NUMBER_ARRAY",
                          "UUID"
                        ]
                      },
                      "doc": "Data type that values of the property must have."
                    },
                    {
                      "name": "required",
                      "type": "boolean",
                      "doc": "True when every object (or link) of the type must carry a non-null value."
                    },
                    {
                      "name": "indexed",
                      "type": "boolean",
                      "doc": "True when the property is filterable and L3 maintains an index for it."
                    },
                    {
                      "name": "sensitive",
                      "type": "boolean",
                      "doc": "True when values are personal or confidential: redacted for callers without access, and touching them raises an action's blast radius."
                    },
                    {
                      "name": "description",
                      "type": [
                        "null",
                        "string"
                      ],
                      "default": null,
                      "doc": "What the property means, written for humans and agents; null when self-explanatory."
                    }
                  ]
                }
              },
              "doc": "Property definitions of the object type, in display order."
            }
          ]
        }
      ],
      "default": null,
      "doc": "The object type definition; set only when kind is OBJECT_TYPE and op is UPSERT."
    },
    {
      "name": "linkType",
      "type": [
        "null",
        {
          "type": "record",
          "name": "LinkTypeDef",
          "doc": "Definition of a link type: a directed, typed relation between two object types.",
          "fields": [
            {
              "name": "description",
              "type": "string",
              "doc": "What the relation means, written for humans and agents."
            },
            {
              "name": "fromType",
              "type": "string",
              "doc": "API name of the object type at the source end."
            },
            {
              "name": "toType",
              "type": "string",
              "doc": "API name of the object type at the target end."
            },
            {
              "name": "cardinality",
              "type": {
                "type": "enum",
                "name": "Cardinality",
                "doc": "How many objects each end may be linked to, read from source to target.",
                "symbols": [
                  "ONE_TO_ONE",
                  "ONE_TO_MANY",
                  "MANY_TO_ONE",
                  "MANY_TO_MANY"
                ]
              },
              "doc": "Cardinality of the relation. L3 keeps at most one live link in each to-one slot: an UPSERT into a taken slot retires the link that held it, as a DELETE caused by that UPSERT (docs/adr/0008)."
            },
            {
              "name": "properties",
              "type": {
                "type": "array",
                "items": "PropertyDef"
              },
              "doc": "Property definitions of links of this type; empty when links carry no properties."
            }
          ]
        }
      ],
      "default": null,
      "doc": "The link type definition; set only when kind is LINK_TYPE and op is UPSERT."
    },
    {
      "name": "tool",
      "type": [
        "null",
        {
          "type": "record",
          "name": "ToolDef",
          "doc": "Definition of a tool catalog entry: an action type that agents may propose and governance approves.",
          "fields": [
            {
              "name": "description",
              "type": "string",
              "doc": "What the action does and when to use it, written for agents choosing a tool."
            },
            {
              "name": "parametersSchema",
              "type": "string",
              "doc": "JSON Schema (draft 2020-12) that a proposal's parameters must satisfy, as a JSON object, UTF-8 text."
            },
            {
              "name": "effects",
              "type": "string",
              "doc": "Declared effects of the action as a JSON object, UTF-8 text: the ontology edits it makes (simulated before approval) and the external side effects it requests."
            },
            {
              "name": "baseRisk",
              "type": {
                "type": "enum",
                "name": "BlastRadius",
                "doc": "How much harm an action can do if it is wrong, from LOW to CRITICAL.",
                "symbols": [
                  "LOW",
                  "MEDIUM",
                  "HIGH",
                  "CRITICAL"
                ]
              },
              "doc": "Lowest blast radius any proposal of this action can have; simulation may raise it."
            },
            {
              "name": "effectKind",
              "type": {
                "type": "enum",
                "name": "EffectKind",
                "doc": "Where an action's effects land: ONTOLOGY_EDIT only in the ontology (applied by L3), EXTERNAL only outside it (executed by L4), BOTH in both.",
                "symbols": [
                  "ONTOLOGY_EDIT",
                  "EXTERNAL",
                  "BOTH"
                ]
              },
              "doc": "Where the action's effects land; EXTERNAL and BOTH are executed through l3.actions.execution-requests.v1."
            },
            {
              "name": "irreversible",
              "type": "boolean",
              "default": false,
              "doc": "True when the external side effects cannot be undone (a payment sent, a message delivered); raises the blast radius."
            }
          ]
        }
      ],
      "default": null,
      "doc": "The tool catalog entry; set only when kind is TOOL and op is UPSERT."
    },
    {
      "name": "actor",
      "type": "string",
      "doc": "Principal that made the change (user subject or service account), recorded in the audit chain."
    },
    {
      "name": "occurredAt",
      "type": {
        "type": "long",
        "logicalType": "timestamp-millis"
      },
      "doc": "When the change was submitted (epoch milliseconds, UTC)."
    }
  ]
} as const;
