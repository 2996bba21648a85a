// A valid ontology file -> the TypeDefChange records that publish it, in dependency order: object
// types, then link types (whose endpoints must exist when the materializer applies them), then
// tools. Pure: the caller supplies actor and time, and eventIds derive from tenant, kind, name and
// version, so the same file always yields the same records apart from occurredAt.
import type { BlastRadius, Cardinality, EffectKind, PropertyDataType, PropertyDef, TypeDefChange, TypeDefKind } from '../contracts/generated/type-def-change.ts';
import { typeDefEventId } from './deterministic-uuid.ts';
import type { OntologyDataType, OntologyFile, PropertySpec, Spelled, ToolSpec } from './ontology-file.ts';

export interface TypeDefChangeOptions {
  /** Principal recorded on every change (`--actor`). */
  readonly actor: string;
  /** Epoch milliseconds; the same for every change of one publication. */
  readonly occurredAt: number;
}

/** `ontology` must have passed validateOntology: this function trusts names, types and enums. */
export function toTypeDefChanges(ontology: OntologyFile, options: TypeDefChangeOptions): TypeDefChange[] {
  const tenantId = ontology.tenant.id.toLowerCase();
  const change = (kind: TypeDefKind, name: string, version: number, definition: Pick<TypeDefChange, 'objectType' | 'linkType' | 'tool'>): TypeDefChange => ({
    tenantId,
    eventId: typeDefEventId(tenantId, kind, name, version),
    op: 'UPSERT',
    kind,
    name,
    version,
    ...definition,
    actor: options.actor,
    occurredAt: options.occurredAt,
  });

  const objectTypes = Object.entries(ontology.objectTypes).map(([name, spec]) =>
    change('OBJECT_TYPE', name, ontology.version, {
      objectType: { description: spec.description, properties: propertyDefs(spec.properties) },
      linkType: null,
      tool: null,
    }),
  );
  const linkTypes = Object.entries(ontology.linkTypes ?? {}).map(([name, spec]) =>
    change('LINK_TYPE', name, ontology.version, {
      objectType: null,
      linkType: {
        description: spec.description,
        fromType: spec.fromType,
        toType: spec.toType,
        cardinality: upper<Cardinality>(spec.cardinality),
        properties: propertyDefs(spec.properties),
      },
      tool: null,
    }),
  );
  const tools = inVersionOrder(ontology.tools ?? []).map((spec) =>
    change('TOOL', spec.name, spec.version, {
      objectType: null,
      linkType: null,
      tool: {
        description: spec.description,
        parametersSchema: JSON.stringify(spec.parametersSchema),
        effects: JSON.stringify({ targets: spec.targets ?? [], effects: spec.effects }),
        baseRisk: upper<BlastRadius>(spec.baseRisk),
        effectKind: upper<EffectKind>(spec.effectKind),
        irreversible: spec.irreversible ?? false,
      },
    }),
  );
  return [...objectTypes, ...linkTypes, ...tools];
}

function propertyDefs(properties: Readonly<Record<string, PropertySpec>> | undefined): PropertyDef[] {
  return Object.entries(properties ?? {}).map(([name, spec]) => ({
    name,
    // UUID is valid here before the generated enum type lists it (see OntologyDataType); the
    // registry refuses the record until the schema carrying UUID is registered.
    dataType: upper<OntologyDataType>(spec.dataType) as PropertyDataType,
    required: spec.required ?? false,
    indexed: spec.indexed ?? false,
    sensitive: spec.sensitive ?? false,
    description: spec.description ?? null,
  }));
}

/**
 * Tools in file order of their names, each name's versions ascending: all versions of a tool share
 * one Kafka key, and a consumer that keeps the highest version it has seen must see them in order.
 */
function inVersionOrder(tools: readonly ToolSpec[]): ToolSpec[] {
  const firstSeen = new Map<string, number>();
  tools.forEach((tool, index) => {
    if (!firstSeen.has(tool.name)) firstSeen.set(tool.name, index);
  });
  return [...tools].sort((a, b) => firstSeen.get(a.name)! - firstSeen.get(b.name)! || a.version - b.version);
}

/** The Avro symbol of an enum value the file may spell in lower case (callers name T). */
function upper<T extends string>(value: Spelled<T>): T {
  return value.toUpperCase() as T;
}
