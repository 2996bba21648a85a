// Pure decision logic for object changes (docs/adr/0004): given the decoded events of one tenant
// (in partition order) and the stored state of the objects they touch, what to write.
import type { ObjectChange } from '../../contracts/generated/object-change.ts';
import { kafkaKey, objectEntityId } from './entity-keys.ts';
import { parseAndValidateProperties, validateEmbedding } from './property-validation.ts';
import type { TypeCatalog } from './type-catalog.ts';

export interface StoredObject {
  readonly version: number;
  readonly sourceVersion: number;
  readonly deleted: boolean;
}

/** The row an object ends the batch with (only for objects that changed). */
export interface ObjectWrite {
  readonly objectTypeId: string;
  readonly objectType: string;
  readonly objectId: string;
  readonly properties: Record<string, unknown>;
  readonly embedding: readonly number[] | null;
  readonly version: number;
  readonly sourceVersion: number;
  readonly deleted: boolean;
}

/** One applied change, for the outbox: the state right after it. */
export interface AppliedObjectChange<R> {
  readonly source: R;
  readonly event: ObjectChange;
  readonly key: string;
  readonly entityId: string;
  readonly after: ObjectWrite;
}

export interface Rejected<R> {
  readonly source: R;
  readonly errorClass: 'UNKNOWN_TYPE' | 'INVALID_PROPERTIES' | 'INVALID_EMBEDDING';
  readonly message: string;
}

export interface ObjectDecision<R> {
  readonly writes: ObjectWrite[];
  readonly applied: AppliedObjectChange<R>[];
  readonly rejected: Rejected<R>[];
  readonly ignoredOld: number;
}

/** Key of an object inside one tenant: type id and source id. */
export const storedObjectKey = (objectTypeId: string, objectId: string): string => `${objectTypeId}\u0000${objectId}`;

/**
 * `events` carry an opaque `source` (the Kafka record) that rejections and applied changes refer
 * back to. `stored` holds the current rows of the objects touched, by storedObjectKey.
 */
export function decideObjects<R>(
  tenantId: string,
  events: readonly { source: R; event: ObjectChange }[],
  catalog: TypeCatalog,
  stored: ReadonlyMap<string, StoredObject>,
): ObjectDecision<R> {
  const current = new Map<string, ObjectWrite | StoredObject>(stored);
  const writes = new Map<string, ObjectWrite>();
  const applied: AppliedObjectChange<R>[] = [];
  const rejected: Rejected<R>[] = [];
  let ignoredOld = 0;

  for (const { source, event } of events) {
    const type = catalog.objectTypes.get(event.objectType);
    if (!type) {
      rejected.push({ source, errorClass: 'UNKNOWN_TYPE', message: `object type "${event.objectType}" is not defined for tenant ${tenantId}` });
      continue;
    }
    let properties: Record<string, unknown> = {};
    let embedding: readonly number[] | null = null;
    if (event.op === 'UPSERT') {
      const validation = parseAndValidateProperties(type.properties, event.properties, type.name);
      if (!validation.ok) {
        const detail = validation.problems.map((p) => `${p.property}: ${p.problem}`).join('; ');
        rejected.push({ source, errorClass: 'INVALID_PROPERTIES', message: `${type.name}/${event.objectId}: ${detail}` });
        continue;
      }
      const embeddingProblem = validateEmbedding(event.embedding);
      if (embeddingProblem) {
        rejected.push({ source, errorClass: 'INVALID_EMBEDDING', message: `${type.name}/${event.objectId}: ${embeddingProblem}` });
        continue;
      }
      properties = validation.properties;
      embedding = event.embedding;
    }
    const key = storedObjectKey(type.id, event.objectId);
    const before = current.get(key);
    // Highest sourceVersion wins; equal means a repeat. A tombstone keeps its version, so an
    // older UPSERT arriving after a DELETE cannot revive the object.
    if (before && event.sourceVersion <= before.sourceVersion) {
      ignoredOld++;
      continue;
    }
    const after: ObjectWrite = {
      objectTypeId: type.id,
      objectType: type.name,
      objectId: event.objectId,
      properties,
      embedding,
      version: (before?.version ?? 0) + 1,
      sourceVersion: event.sourceVersion,
      deleted: event.op === 'DELETE',
    };
    current.set(key, after);
    writes.set(key, after);
    const entityId = objectEntityId(type.name, event.objectId);
    applied.push({ source, event, key: kafkaKey(tenantId, entityId), entityId, after });
  }
  return { writes: [...writes.values()], applied, rejected, ignoredOld };
}
