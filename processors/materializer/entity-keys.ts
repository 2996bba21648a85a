// The identities of ontology entities on the wire (Kafka record keys, ARCHITECTURE §2) and in
// the outbox (docs/adr/0004-materializer-semantics.md). One entity's events share a key, so
// they stay in order on one partition; the key is built here and nowhere else.

import type { TypeDefKind } from '../../contracts/generated/type-def-change.ts';

/**
 * A part of an entity id with its separator escaped ('%' -> %25, '/' -> %2F): source ids may
 * contain '/', and without the escape the link a/b -> c and the link a -> b/c would share an
 * identity (and be folded into one). Parts without '%' or '/' are unchanged.
 */
export function entityIdPart(part: string): string {
  return part.includes('%') || part.includes('/') ? part.replace(/%/g, '%25').replace(/\//g, '%2F') : part;
}

/** An object is identified by its type and its source id (ADR 0004, "Objects"). */
export function objectEntityId(objectType: string, objectId: string): string {
  return `${entityIdPart(objectType)}/${entityIdPart(objectId)}`;
}

/** A link has no id in the source: its type and both endpoints are its identity (ADR 0004, "Links"). */
export function linkEntityId(linkType: string, fromType: string, fromId: string, toType: string, toId: string): string {
  return [linkType, fromType, fromId, toType, toId].map(entityIdPart).join('/');
}

/** A definition is identified by its kind and API name (names are unique per tenant and kind). */
export function typeDefEntityId(kind: TypeDefKind, name: string): string {
  return `${kind}/${name}`;
}

/** Record key `tenantId:entityId` (ARCHITECTURE §2). */
export function kafkaKey(tenantId: string, entityId: string): string {
  return `${tenantId}:${entityId}`;
}
