// The shape of a tenant's ontology file (examples/ontology/README.md documents every key) as it is
// written in YAML: enum values may be lower-case, booleans may be left out. validateOntology
// decides whether a parsed value has this shape; toTypeDefChanges normalizes it into records.
import type { BlastRadius, Cardinality, EffectKind, PropertyDataType } from '../contracts/generated/type-def-change.ts';

/**
 * API names of types, properties, link types and tools: they become GraphQL/MCP identifiers and
 * Kafka key parts, so they start with a letter and carry no punctuation but `_`.
 */
export const API_NAME_PATTERN = '^[A-Za-z][A-Za-z0-9_]{0,99}$';

/** `$params.<name>`: a value taken from the proposal's parameters. */
export const PARAM_REF_PATTERN = '^\\$params\\.([A-Za-z_][A-Za-z0-9_]*)$';

/**
 * The data types a property may have: the Avro enum PropertyDataType, plus UUID, which is being
 * added to that enum. Once the generated type carries UUID the union below is simply redundant.
 */
export type OntologyDataType = PropertyDataType | 'UUID';

/** An enum symbol as the file may write it: `STRING` or `string`. */
export type Spelled<T extends string> = T | Lowercase<T>;

export interface OntologyFile {
  readonly tenant: TenantSpec;
  /** Version of every object and link type definition in the file (TypeDefChange.version). */
  readonly version: number;
  /** Object types by API name, in display order. */
  readonly objectTypes: Readonly<Record<string, ObjectTypeSpec>>;
  /** Link types by API name; optional in the file. */
  readonly linkTypes?: Readonly<Record<string, LinkTypeSpec>>;
  /** Tool catalog entries; a name may appear once per version. Optional in the file. */
  readonly tools?: readonly ToolSpec[];
}

export interface TenantSpec {
  readonly id: string;
  readonly name: string;
}

export interface PropertySpec {
  readonly dataType: Spelled<OntologyDataType>;
  readonly required?: boolean;
  readonly indexed?: boolean;
  readonly sensitive?: boolean;
  readonly description?: string;
}

export interface ObjectTypeSpec {
  readonly description: string;
  /** Properties by API name, in display order; optional in the file. */
  readonly properties?: Readonly<Record<string, PropertySpec>>;
}

export interface LinkTypeSpec {
  readonly description: string;
  readonly fromType: string;
  readonly toType: string;
  readonly cardinality: Spelled<Cardinality>;
  readonly properties?: Readonly<Record<string, PropertySpec>>;
}

/** One object a proposal of the tool must name, by position (ActionProposed.targets). */
export interface TargetSpec {
  readonly objectType: string;
  readonly description?: string;
}

export interface ToolSpec {
  readonly name: string;
  /** Tool version that proposals pin as actionTypeVersion; the TOOL record's version. */
  readonly version: number;
  readonly description: string;
  /** JSON Schema (draft 2020-12) of the parameters: an object schema. */
  readonly parametersSchema: Readonly<Record<string, unknown>>;
  /** Objects a proposal names, in order; effects refer to them by index. Optional in the file. */
  readonly targets?: readonly TargetSpec[];
  readonly effects: readonly Effect[];
  readonly baseRisk: Spelled<BlastRadius>;
  readonly effectKind: Spelled<EffectKind>;
  readonly irreversible?: boolean;
}

/** A target by position in the proposal's targets, or every target. */
export type TargetRef = number | 'all';

/** An object that is not a target, identified by a parameter (`$params.<name>`). */
export interface ObjectRefSpec {
  readonly objectType: string;
  readonly objectId: string;
}

/** A property value: a JSON literal, or a string `$params.<name>` taken from the parameters. */
export type EffectValue = unknown;

export interface SetPropertiesEffect {
  readonly kind: 'set_properties';
  readonly target: TargetRef;
  readonly properties: Readonly<Record<string, EffectValue>>;
}

export interface LinkEffect {
  readonly kind: 'create_link' | 'delete_link';
  readonly linkType: string;
  readonly from: TargetRef | ObjectRefSpec;
  readonly to: TargetRef | ObjectRefSpec;
  /** Link properties; only on create_link. */
  readonly properties?: Readonly<Record<string, EffectValue>>;
}

export interface CreateObjectEffect {
  readonly kind: 'create_object';
  readonly objectType: string;
  readonly objectId: string;
  readonly properties?: Readonly<Record<string, EffectValue>>;
}

export interface DeleteObjectEffect {
  readonly kind: 'delete_object';
  readonly target: TargetRef;
}

/** A side effect outside the ontology, requested on l3.actions.execution-requests.v1. */
export interface ExternalEffect {
  readonly kind: 'external';
  readonly system: string;
  readonly operation: string;
  readonly description?: string;
}

export type Effect = SetPropertiesEffect | LinkEffect | CreateObjectEffect | DeleteObjectEffect | ExternalEffect;

/** One problem with a file: where it is (a dot path of keys and list indexes) and what is wrong. */
export interface OntologyError {
  /** e.g. `objectTypes.Pump.properties.pressure.dataType`, `tools.2.effects.0.target`; '' for the whole file. */
  readonly path: string;
  readonly message: string;
  /** Set by parseOntology for YAML syntax errors, which have a position but no path. */
  readonly line?: number;
}
