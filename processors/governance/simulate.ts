// The dry run of ARCHITECTURE §6: a proposal's effects (the tool catalog's effects language,
// examples/ontology/README.md "Effects") applied in order to an in-memory copy of the part of the
// world they touch, without writing anything. Pure. The result is
//
// - `affected`: every object the action reads or writes, with the version it has now; execution
//   re-checks these versions and marks the proposal STALE if any moved, so this is the state the
//   approvers approve. Targets are listed even when only an external effect uses them (the site a
//   shutdown is about must not change under the approval). Objects to be created have version 0:
//   execution requires that they still do not exist.
// - `diff`: what changes, for the approvers and the binding hash; plain JSON in a deterministic
//   order (effect order; property changes by name), since RFC 8785 keeps array order.
// - `edits`: what execution applies, in order; `external`: what it requests from L4.
//
// Decisions the language leaves open:
// - A `$params.x` whose parameter is absent (an optional parameter the proposer left out) sets
//   nothing: the property keeps its value. null, by contrast, clears it.
// - Effects see the earlier effects' results: create_object then create_link to the new object
//   works; a target deleted by an earlier effect is not found by a later one.
// - A link end must be live (a target, an object an earlier effect created, or an existing
//   object named through a parameter); a link to nothing is refused as TARGET_NOT_FOUND.
// - "all" as a link end means each target in turn (both ends "all": every pair).
// - A link created into a to-one slot another live link holds (cardinality, docs/adr/0008)
//   supersedes it, as an L2 UPSERT would: the holder is deleted first, and the diff and the edits
//   say so (a delete_link before the create_link), so the approvers see the move.
// - A proposal may not name the same object twice (TARGETS_MISMATCH): "all" would edit it twice.
// - `deletes` counts deleted objects; deleting a link is an edit of the link, not a delete.
//
// An effect outside the language (the catalog validates effects with ontology/effects-schema.ts
// when a tool is published) is a programming error and throws a TypeError.
import type { Cardinality } from '../../contracts/generated/type-def-change.ts';
import { parseAndValidateProperties } from '../materializer/property-validation.ts';
import type { PropertyDataType } from '../materializer/property-validation.ts';

// ---- the effects language (ontology/effects-schema.ts) ----

/** A target by its index in the proposal's targets, or every target. */
export type TargetRef = number | 'all';

/** An object that is not a target: its type and an id taken from the parameters (`$params.x`). */
export interface ObjectRefSpec {
  readonly objectType: string;
  readonly objectId: string;
}

export type LinkEnd = TargetRef | ObjectRefSpec;

/** Property values by name: JSON literals, or `$params.<name>`. */
export type EffectValues = Readonly<Record<string, unknown>>;

export type Effect =
  | { readonly kind: 'set_properties'; readonly target: TargetRef; readonly properties: EffectValues }
  | { readonly kind: 'create_link'; readonly linkType: string; readonly from: LinkEnd; readonly to: LinkEnd; readonly properties?: EffectValues }
  | { readonly kind: 'delete_link'; readonly linkType: string; readonly from: LinkEnd; readonly to: LinkEnd }
  | { readonly kind: 'create_object'; readonly objectType: string; readonly objectId: string; readonly properties?: EffectValues }
  | { readonly kind: 'delete_object'; readonly target: TargetRef }
  | { readonly kind: 'external'; readonly system: string; readonly operation: string; readonly description?: string };

// ---- input ----

export interface ObjectRef {
  readonly objectType: string;
  readonly objectId: string;
}

export interface SimulatedTool {
  readonly name: string;
  readonly version: number;
  readonly effects: { readonly targets: readonly { readonly objectType: string }[]; readonly effects: readonly Effect[] };
  readonly effectKind: 'ONTOLOGY_EDIT' | 'EXTERNAL' | 'BOTH';
  readonly baseRisk: 'LOW' | 'MEDIUM' | 'HIGH' | 'CRITICAL';
  readonly irreversible: boolean;
}

export interface SimulatedProposal {
  /** Already valid for the tool's parametersSchema (parameters.ts). */
  readonly parameters: Readonly<Record<string, unknown>>;
  readonly targets: readonly ObjectRef[];
}

export interface PropertyDefinitionWithSensitivity {
  readonly name: string;
  readonly dataType: PropertyDataType;
  readonly required: boolean;
  readonly sensitive: boolean;
}

export interface WorldObject {
  readonly version: number;
  readonly properties: Readonly<Record<string, unknown>>;
  readonly deleted: boolean;
}

export interface SimulationWorld {
  /** By objectKey(objectType, objectId): the targets and every object the effects name. */
  readonly objects: ReadonlyMap<string, WorldObject>;
  readonly types: ReadonlyMap<string, { readonly properties: readonly PropertyDefinitionWithSensitivity[] }>;
  readonly linkTypes: ReadonlyMap<string, SimulationLinkType>;
  /** linkKey(...) of the live links of those objects. */
  readonly links: ReadonlySet<string>;
}

export interface SimulationLinkType {
  readonly fromType: string;
  readonly toType: string;
  readonly cardinality: Cardinality;
  readonly properties: readonly PropertyDefinitionWithSensitivity[];
}

export const objectKey = (objectType: string, objectId: string): string => `${objectType}/${objectId}`;

interface LinkIdentity {
  readonly linkType: string;
  readonly from: ObjectRef;
  readonly to: ObjectRef;
}

// A JSON array, so ids with any character in them never make two links share a key, and the
// link can be read back from its key (to find the holder of a slot). sql/world.ts uses it too.
export const linkKey = (linkType: string, from: ObjectRef, to: ObjectRef): string =>
  JSON.stringify([linkType, from.objectType, from.objectId, to.objectType, to.objectId]);

function linkOfKey(key: string): LinkIdentity {
  const [linkType, fromType, fromId, toType, toId] = JSON.parse(key) as string[];
  return { linkType: linkType!, from: { objectType: fromType!, objectId: fromId! }, to: { objectType: toType!, objectId: toId! } };
}

// ---- output ----

export interface AffectedObject {
  readonly objectType: string;
  readonly objectId: string;
  readonly version: number;
}

export interface PropertyChange {
  readonly property: string;
  /** null when the property had no value (or the object did not exist). */
  readonly before: unknown;
  /** null when the property is cleared (or the object is deleted). */
  readonly after: unknown;
  /** The property is sensitive: a reader without access sees the change redacted. */
  readonly sensitive: boolean;
}

export type DiffEntry =
  | { readonly op: 'set_properties' | 'create_object' | 'delete_object'; readonly objectType: string; readonly objectId: string; readonly changes: PropertyChange[] }
  | { readonly op: 'create_link'; readonly linkType: string; readonly from: ObjectRef; readonly to: ObjectRef; readonly changes: PropertyChange[] }
  | { readonly op: 'delete_link'; readonly linkType: string; readonly from: ObjectRef; readonly to: ObjectRef }
  | { readonly op: 'external'; readonly system: string; readonly operation: string; readonly description?: string };

export type Edit =
  | { readonly kind: 'set_properties'; readonly objectType: string; readonly objectId: string; readonly properties: Record<string, unknown> }
  | { readonly kind: 'create_object'; readonly objectType: string; readonly objectId: string; readonly properties: Record<string, unknown> }
  | { readonly kind: 'delete_object'; readonly objectType: string; readonly objectId: string }
  | { readonly kind: 'create_link'; readonly linkType: string; readonly from: ObjectRef; readonly to: ObjectRef; readonly properties: Record<string, unknown> }
  | { readonly kind: 'delete_link'; readonly linkType: string; readonly from: ObjectRef; readonly to: ObjectRef };

export interface ExternalRequest {
  readonly system: string;
  readonly operation: string;
  readonly description?: string;
}

export type SimulationErrorCode = 'TARGETS_MISMATCH' | 'TARGET_NOT_FOUND' | 'INVALID_VALUE' | 'LINK_EXISTS' | 'LINK_NOT_FOUND' | 'OBJECT_EXISTS';

export type SimulationResult =
  | {
      readonly ok: true;
      /** Sorted by objectType, then objectId (UTF-16 code units); each object once. */
      readonly affected: AffectedObject[];
      readonly diff: DiffEntry[];
      readonly edits: Edit[];
      readonly external: ExternalRequest[];
      /** Objects deleted. */
      readonly deletes: number;
      /** Some property set or created (on an object or a link) is sensitive. */
      readonly sensitivePropertiesTouched: boolean;
    }
  | { readonly ok: false; readonly code: SimulationErrorCode; readonly reason: string };

/** The most characters Postgres accepts in objects.external_id (migrations/0003). */
const MAX_OBJECT_ID_LENGTH = 512;
const PARAM_PREFIX = '$params.';
const PARAM_REF = /^\$params\.([A-Za-z_][A-Za-z0-9_]*)$/;
/** A parameter the proposal left out: the property is not set. */
const ABSENT = Symbol('absent');

// Thrown from deep inside the dry run and caught in simulate(): the first refusal ends it.
class Refusal extends Error {
  readonly code: SimulationErrorCode;
  constructor(code: SimulationErrorCode, reason: string) {
    super(reason);
    this.code = code;
  }
}

export function simulate(tool: SimulatedTool, proposal: SimulatedProposal, world: SimulationWorld): SimulationResult {
  try {
    return new Simulation(tool, proposal, world).run();
  } catch (error) {
    if (error instanceof Refusal) return { ok: false, code: error.code, reason: error.message };
    throw error;
  }
}

interface OverlayObject {
  readonly properties: Readonly<Record<string, unknown>>;
  readonly deleted: boolean;
}

class Simulation {
  private readonly tool: SimulatedTool;
  private readonly proposal: SimulatedProposal;
  private readonly world: SimulationWorld;
  // What the earlier effects did: objects and links by key; unset means as in the world.
  private readonly objects = new Map<string, OverlayObject>();
  private readonly links = new Map<string, boolean>();
  private readonly affected = new Map<string, AffectedObject>();
  private readonly diff: DiffEntry[] = [];
  private readonly edits: Edit[] = [];
  private readonly external: ExternalRequest[] = [];
  private deletes = 0;
  private sensitive = false;

  constructor(tool: SimulatedTool, proposal: SimulatedProposal, world: SimulationWorld) {
    this.tool = tool;
    this.proposal = proposal;
    this.world = world;
  }

  run(): SimulationResult {
    this.checkTargets();
    this.tool.effects.effects.forEach((effect, index) => this.apply(effect, `effect ${index} (${effect.kind})`));
    const affected = [...this.affected.values()].sort((a, b) => compare(a.objectType, b.objectType) || compare(a.objectId, b.objectId));
    return {
      ok: true,
      affected,
      diff: this.diff,
      edits: this.edits,
      external: this.external,
      deletes: this.deletes,
      sensitivePropertiesTouched: this.sensitive,
    };
  }

  private checkTargets(): void {
    const declared = this.tool.effects.targets;
    const named = this.proposal.targets;
    if (named.length !== declared.length) {
      const expected = declared.length === 0 ? 'no targets' : `${declared.length} target${declared.length === 1 ? '' : 's'} (${declared.map((t) => t.objectType).join(', ')})`;
      throw new Refusal('TARGETS_MISMATCH', `${this.tool.name} v${this.tool.version} takes ${expected}; the proposal names ${named.length}`);
    }
    const seen = new Map<string, number>();
    named.forEach((target, index) => {
      const expected = declared[index]!.objectType;
      if (target.objectType !== expected) {
        throw new Refusal('TARGETS_MISMATCH', `target ${index} must be a ${expected}; the proposal names ${describeRef(target)}`);
      }
      const key = objectKey(target.objectType, target.objectId);
      const first = seen.get(key);
      if (first !== undefined) throw new Refusal('TARGETS_MISMATCH', `target ${index} repeats target ${first} (${describeRef(target)})`);
      seen.set(key, index);
    });
    named.forEach((target, index) => {
      this.requireLive(target, `target ${index}`);
      this.touch(target);
    });
  }

  private apply(effect: Effect, where: string): void {
    switch (effect.kind) {
      case 'set_properties':
        for (const target of this.targets(effect.target, where)) this.setProperties(target, effect.properties, where);
        return;
      case 'create_object':
        this.createObject(effect.objectType, effect.objectId, effect.properties ?? {}, where);
        return;
      case 'delete_object':
        for (const target of this.targets(effect.target, where)) this.deleteObject(target, where);
        return;
      case 'create_link':
      case 'delete_link':
        if (!this.world.linkTypes.has(effect.linkType)) throw new Refusal('INVALID_VALUE', `${where}: link type ${effect.linkType} is not defined`);
        for (const from of this.linkEnds(effect.from, where)) {
          for (const to of this.linkEnds(effect.to, where)) {
            if (effect.kind === 'create_link') this.createLink(effect.linkType, from, to, effect.properties ?? {}, where);
            else this.deleteLink(effect.linkType, from, to, where);
          }
        }
        return;
      case 'external': {
        const request = { system: effect.system, operation: effect.operation, ...(effect.description === undefined ? {} : { description: effect.description }) };
        this.external.push(request);
        this.diff.push({ op: 'external', ...request });
        return;
      }
      default:
        throw new TypeError(`simulate: ${where}: unknown effect kind ${JSON.stringify((effect as { kind?: unknown }).kind)}`);
    }
  }

  private setProperties(target: ObjectRef, values: EffectValues, where: string): void {
    const current = this.requireLive(target, `${where}: target`);
    const defs = this.objectTypeDefs(target.objectType, where);
    const properties = this.resolveValues(values, where);
    const names = Object.keys(properties);
    if (names.length === 0) return;
    this.validate(defs.filter((def) => Object.hasOwn(properties, def.name)), properties, target.objectType, `${where} on ${describeRef(target)}`);
    const changes = this.changes(defs, names, (name) => valueOrNull(current.properties, name), (name) => properties[name]);
    this.objects.set(objectKey(target.objectType, target.objectId), { properties: { ...current.properties, ...properties }, deleted: false });
    this.edits.push({ kind: 'set_properties', objectType: target.objectType, objectId: target.objectId, properties });
    this.diff.push({ op: 'set_properties', objectType: target.objectType, objectId: target.objectId, changes });
  }

  private createObject(objectType: string, objectIdSpec: string, values: EffectValues, where: string): void {
    const defs = this.objectTypeDefs(objectType, where);
    const ref = { objectType, objectId: this.resolveObjectId(objectIdSpec, where) };
    if (this.current(ref)?.deleted === false) {
      throw new Refusal('OBJECT_EXISTS', `${where}: ${describeRef(ref)} exists already`);
    }
    const properties = this.resolveValues(values, where);
    // All definitions: a created object must be valid on its own, required properties included.
    this.validate(defs, properties, objectType, `${where} creating ${describeRef(ref)}`);
    const changes = this.changes(defs, Object.keys(properties), () => null, (name) => properties[name]);
    this.objects.set(objectKey(ref.objectType, ref.objectId), { properties, deleted: false });
    this.touch(ref);
    this.edits.push({ kind: 'create_object', ...ref, properties });
    this.diff.push({ op: 'create_object', ...ref, changes });
  }

  private deleteObject(target: ObjectRef, where: string): void {
    const current = this.requireLive(target, `${where}: target`);
    const defs = this.world.types.get(target.objectType)?.properties ?? [];
    const names = Object.keys(current.properties).filter((name) => valueOrNull(current.properties, name) !== null);
    // Not counted as touching sensitive properties (that is for values set); the delete itself
    // raises the blast radius.
    const changes = this.changes(defs, names, (name) => valueOrNull(current.properties, name), () => null, { countSensitive: false });
    this.objects.set(objectKey(target.objectType, target.objectId), { properties: {}, deleted: true });
    this.deletes += 1;
    this.edits.push({ kind: 'delete_object', objectType: target.objectType, objectId: target.objectId });
    this.diff.push({ op: 'delete_object', objectType: target.objectType, objectId: target.objectId, changes });
  }

  private createLink(linkType: string, from: ObjectRef, to: ObjectRef, values: EffectValues, where: string): void {
    const definition = this.linkType(linkType, from, to, where);
    const key = linkKey(linkType, from, to);
    if (this.linkLive(key)) throw new Refusal('LINK_EXISTS', `${where}: ${describeLink(linkType, from, to)} exists already`);
    const properties = this.resolveValues(values, where);
    this.validate(definition.properties, properties, `link type ${linkType}`, `${where} creating ${describeLink(linkType, from, to)}`);
    const changes = this.changes(definition.properties, Object.keys(properties), () => null, (name) => properties[name]);
    for (const holder of this.slotHolders(linkType, definition.cardinality, from, to)) {
      this.links.set(linkKey(holder.linkType, holder.from, holder.to), false);
      this.edits.push({ kind: 'delete_link', ...holder });
      this.diff.push({ op: 'delete_link', ...holder });
    }
    this.links.set(key, true);
    this.edits.push({ kind: 'create_link', linkType, from, to, properties });
    this.diff.push({ op: 'create_link', linkType, from, to, changes });
  }

  private deleteLink(linkType: string, from: ObjectRef, to: ObjectRef, where: string): void {
    this.linkType(linkType, from, to, where);
    const key = linkKey(linkType, from, to);
    if (!this.linkLive(key)) throw new Refusal('LINK_NOT_FOUND', `${where}: there is no ${describeLink(linkType, from, to)}`);
    this.links.set(key, false);
    this.edits.push({ kind: 'delete_link', linkType, from, to });
    this.diff.push({ op: 'delete_link', linkType, from, to });
  }

  // The link type, checked against both ends, which must be live; both ends become affected.
  private linkType(linkType: string, from: ObjectRef, to: ObjectRef, where: string) {
    // apply() has checked that the link type exists.
    const definition = this.world.linkTypes.get(linkType)!;
    if (from.objectType !== definition.fromType || to.objectType !== definition.toType) {
      throw new Refusal('INVALID_VALUE', `${where}: link type ${linkType} goes from ${definition.fromType} to ${definition.toType}, not from ${from.objectType} to ${to.objectType}`);
    }
    this.requireLive(from, `${where}: link source`);
    this.requireLive(to, `${where}: link target`);
    this.touch(from);
    this.touch(to);
    return definition;
  }

  private targets(ref: TargetRef, where: string): readonly ObjectRef[] {
    if (ref === 'all') return this.proposal.targets;
    const target = Number.isInteger(ref) ? this.proposal.targets[ref] : undefined;
    if (!target) {
      throw new Refusal('TARGETS_MISMATCH', `${where} refers to target ${JSON.stringify(ref)}; ${this.tool.name} v${this.tool.version} declares ${this.tool.effects.targets.length}`);
    }
    return [target];
  }

  private linkEnds(end: LinkEnd, where: string): readonly ObjectRef[] {
    if (typeof end === 'object' && end !== null) return [{ objectType: end.objectType, objectId: this.resolveObjectId(end.objectId, where) }];
    return this.targets(end, where);
  }

  private resolveObjectId(spec: string, where: string): string {
    const value = this.resolve(spec, where);
    if (typeof value !== 'string' || value.length === 0 || [...value].length > MAX_OBJECT_ID_LENGTH) {
      const shown = value === ABSENT ? 'absent' : show(value);
      throw new Refusal('INVALID_VALUE', `${where}: the object id ${spec} must be a string of 1 to ${MAX_OBJECT_ID_LENGTH} characters, got ${shown}`);
    }
    return value;
  }

  // Values with `$params.x` replaced, absent parameters left out, and every value a JSON value
  // (the round trip is what the edit stores and the binding hash reads, so it is what is checked).
  private resolveValues(values: EffectValues, where: string): Record<string, unknown> {
    const entries: [string, unknown][] = [];
    for (const [name, spec] of Object.entries(values)) {
      const value = this.resolve(spec, where);
      if (value !== ABSENT) entries.push([name, JSON.parse(JSON.stringify(value ?? null)) as unknown]);
    }
    // fromEntries defines own properties, so even a name like "__proto__" stays data.
    return Object.fromEntries(entries);
  }

  private resolve(spec: unknown, where: string): unknown {
    if (typeof spec !== 'string' || !spec.startsWith(PARAM_PREFIX)) return spec;
    const match = PARAM_REF.exec(spec);
    if (!match) throw new Refusal('INVALID_VALUE', `${where}: ${show(spec)} is not a parameter reference`);
    const name = match[1]!;
    return Object.hasOwn(this.proposal.parameters, name) ? this.proposal.parameters[name] : ABSENT;
  }

  private validate(defs: readonly PropertyDefinitionWithSensitivity[], properties: Record<string, unknown>, typeName: string, where: string): void {
    const result = parseAndValidateProperties(defs, JSON.stringify(properties), typeName);
    if (!result.ok) {
      throw new Refusal('INVALID_VALUE', `${where}: ${result.problems.map((p) => `${p.property}: ${p.problem}`).join('; ')}`);
    }
  }

  private changes(
    defs: readonly PropertyDefinitionWithSensitivity[],
    names: readonly string[],
    before: (name: string) => unknown,
    after: (name: string) => unknown,
    options: { countSensitive: boolean } = { countSensitive: true },
  ): PropertyChange[] {
    return [...names].sort(compare).map((name) => {
      const sensitive = defs.find((def) => def.name === name)?.sensitive === true;
      if (sensitive && options.countSensitive) this.sensitive = true;
      return { property: name, before: before(name), after: after(name), sensitive };
    });
  }

  private objectTypeDefs(objectType: string, where: string): readonly PropertyDefinitionWithSensitivity[] {
    const type = this.world.types.get(objectType);
    if (!type) throw new Refusal('INVALID_VALUE', `${where}: object type ${objectType} is not defined`);
    return type.properties;
  }

  private current(ref: ObjectRef): OverlayObject | undefined {
    const key = objectKey(ref.objectType, ref.objectId);
    return this.objects.get(key) ?? this.world.objects.get(key);
  }

  private requireLive(ref: ObjectRef, what: string): OverlayObject {
    const current = this.current(ref);
    if (current === undefined) throw new Refusal('TARGET_NOT_FOUND', `${what} ${describeRef(ref)} does not exist`);
    if (current.deleted) {
      const by = this.objects.has(objectKey(ref.objectType, ref.objectId)) ? ' by an earlier effect' : '';
      throw new Refusal('TARGET_NOT_FOUND', `${what} ${describeRef(ref)} was deleted${by}`);
    }
    return current;
  }

  // Records the version the simulation saw; 0 for an object that does not exist yet.
  private touch(ref: ObjectRef): void {
    const key = objectKey(ref.objectType, ref.objectId);
    if (this.affected.has(key)) return;
    const stored = this.world.objects.get(key);
    const version = stored === undefined || stored.deleted ? 0 : stored.version;
    this.affected.set(key, { objectType: ref.objectType, objectId: ref.objectId, version });
  }

  private linkLive(key: string): boolean {
    return this.links.get(key) ?? this.world.links.has(key);
  }

  /**
   * The live links of `linkType` in the to-one slots a new from -> to link takes: the one from
   * `from` (many_to_one, one_to_one) and the one to `to` (one_to_many, one_to_one). The world
   * holds every live link of the objects the effects name, and both ends are named.
   */
  private slotHolders(linkType: string, cardinality: Cardinality, from: ObjectRef, to: ObjectRef): LinkIdentity[] {
    const fromSlot = cardinality === 'MANY_TO_ONE' || cardinality === 'ONE_TO_ONE';
    const toSlot = cardinality === 'ONE_TO_MANY' || cardinality === 'ONE_TO_ONE';
    if (!fromSlot && !toSlot) return [];
    const same = (a: ObjectRef, b: ObjectRef) => a.objectType === b.objectType && a.objectId === b.objectId;
    const holders: LinkIdentity[] = [];
    // Effect order, then the stored links in key order: the diff must not depend on Set order.
    const candidates = new Set([...this.links.keys(), ...[...this.world.links].sort(compare)]);
    for (const key of candidates) {
      if (!this.linkLive(key)) continue;
      const link = linkOfKey(key);
      if (link.linkType !== linkType) continue;
      if ((fromSlot && same(link.from, from)) || (toSlot && same(link.to, to))) holders.push(link);
    }
    return holders;
  }
}

function valueOrNull(properties: Readonly<Record<string, unknown>>, name: string): unknown {
  return Object.hasOwn(properties, name) ? (properties[name] ?? null) : null;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function describeRef(ref: ObjectRef): string {
  return `${ref.objectType}/${ref.objectId}`;
}

function describeLink(linkType: string, from: ObjectRef, to: ObjectRef): string {
  return `${linkType} link ${describeRef(from)} -> ${describeRef(to)}`;
}

function show(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length <= 60 ? text : `${text.slice(0, 57)}...`;
}
