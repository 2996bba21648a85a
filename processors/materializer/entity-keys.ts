// The identities of ontology entities on the wire (Kafka record keys, ARCHITECTURE §2) and in
// the outbox (docs/adr/0004-materializer-semantics.md). One entity's events share a key, so
// they stay in order on one partition; the key is built here and nowhere else.

import type { TypeDefKind } from '../../contracts/generated/type-def-change.ts';

/** An object is identified by its type and its source id (ADR 0004, "Objects"). */
export function objectEntityId(objectType: string, objectId: string): string {
  return `${objectType}/${objectId}`;
}

/** A link has no id in the source: its type and both endpoints are its identity (ADR 0004, "Links"). */
export function linkEntityId(linkType: string, fromType: string, fromId: string, toType: string, toId: string): string {
  return `${linkType}/${fromType}/${fromId}/${toType}/${toId}`;
}

/** A definition is identified by its kind and API name (names are unique per tenant and kind). */
export function typeDefEntityId(kind: TypeDefKind, name: string): string {
  return `${kind}/${name}`;
}

/** Record key `tenantId:entityId` (ARCHITECTURE §2). */
export function kafkaKey(tenantId: string, entityId: string): string {
  return `${tenantId}:${entityId}`;
}
