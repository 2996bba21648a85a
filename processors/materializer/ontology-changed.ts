// Builds the OntologyChanged records (l3.ontology.changes.v1) for applied changes: one per change,
// with a fresh eventId, the entity's new version and its state after the change (docs/adr/0004).
import { randomUUID } from 'node:crypto';
import type { ChangeOp } from '../../contracts/generated/object-change.ts';
import type { EntityKind, OntologyChanged } from '../../contracts/generated/ontology-changed.ts';
import type { AppliedLinkChange } from './decide-links.ts';
import type { AppliedObjectChange } from './decide-objects.ts';

interface ChangeInput {
  readonly tenantId: string;
  readonly entityKind: EntityKind;
  readonly entityId: string;
  readonly entityType: string | null;
  readonly op: ChangeOp;
  readonly version: number;
  readonly after: unknown;
  readonly sourceEventId: string | null;
  readonly link?: OntologyChanged['link'];
}

export function ontologyChanged(input: ChangeInput, now: number): OntologyChanged {
  return {
    tenantId: input.tenantId,
    eventId: randomUUID(),
    entityKind: input.entityKind,
    entityId: input.entityId,
    entityType: input.entityType,
    op: input.op,
    version: input.version,
    after: input.op === 'DELETE' ? null : JSON.stringify(input.after),
    link: input.link ?? null,
    sourceEventId: input.sourceEventId,
    proposalId: null,
    occurredAt: now,
  };
}

export function objectChanged<R>(tenantId: string, change: AppliedObjectChange<R>, now: number): OntologyChanged {
  const { after } = change;
  return ontologyChanged(
    {
      tenantId,
      entityKind: 'OBJECT',
      entityId: change.entityId,
      entityType: after.objectType,
      op: change.event.op,
      version: after.version,
      after: { objectType: after.objectType, objectId: after.objectId, properties: after.properties, hasEmbedding: after.embedding !== null, sourceVersion: after.sourceVersion },
      sourceEventId: change.event.eventId,
    },
    now,
  );
}

export function linkChanged<R>(tenantId: string, change: AppliedLinkChange<R>, now: number): OntologyChanged {
  const { after } = change;
  const ends = { from: { objectType: after.fromType, objectId: after.fromId }, to: { objectType: after.toType, objectId: after.toId } };
  return ontologyChanged(
    {
      tenantId,
      entityKind: 'LINK',
      entityId: change.entityId,
      entityType: after.linkType,
      // A link retired because another took its to-one slot is a DELETE whose sourceEventId is
      // the UPSERT that took the slot (ADR 0008).
      op: change.supersededBy === undefined ? change.event.op : 'DELETE',
      version: after.version,
      // `pending`: an endpoint has not arrived yet, so readers do not see the link (ADR 0004).
      after: { linkType: after.linkType, ...ends, properties: after.properties, sourceVersion: after.sourceVersion, pending: after.place === 'pending' },
      sourceEventId: change.event.eventId,
      link: ends,
    },
    now,
  );
}
