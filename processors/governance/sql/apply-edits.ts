// Applies an approved action's ontology edits in the governance transaction (ARCHITECTURE §6:
// "ontology edits are applied by L3 in one transaction (with outbox)"). Edits bump `version`
// (optimistic concurrency) and leave `source_version` alone: a later L2 change with a higher
// source version still wins, because L2 remains the system of record (docs/adr/0005).
import type { ClientBase } from 'pg';
import type { OntologyChanged } from '../../../contracts/generated/ontology-changed.ts';
import { kafkaKey, linkEntityId, objectEntityId } from '../../materializer/entity-keys.ts';
import { ontologyChanged } from '../../materializer/ontology-changed.ts';
import type { ObjectRef } from '../proposal.ts';

export type Edit =
  | { readonly kind: 'set_properties'; readonly objectType: string; readonly objectId: string; readonly properties: Record<string, unknown> }
  | { readonly kind: 'create_object'; readonly objectType: string; readonly objectId: string; readonly properties: Record<string, unknown> }
  | { readonly kind: 'delete_object'; readonly objectType: string; readonly objectId: string }
  | { readonly kind: 'create_link'; readonly linkType: string; readonly from: ObjectRef; readonly to: ObjectRef; readonly properties?: Record<string, unknown> }
  | { readonly kind: 'delete_link'; readonly linkType: string; readonly from: ObjectRef; readonly to: ObjectRef };

export class EditFailedError extends Error {
  readonly edit: Edit;
  constructor(edit: Edit, message: string) {
    super(message);
    this.name = 'EditFailedError';
    this.edit = edit;
  }
}

export interface AppliedEdit {
  readonly key: string;
  readonly change: OntologyChanged;
}

export async function applyEdits(tx: ClientBase, tenantId: string, proposalId: string, edits: readonly Edit[], now: number): Promise<AppliedEdit[]> {
  const applied: AppliedEdit[] = [];
  for (const edit of edits) applied.push(await applyEdit(tx, tenantId, proposalId, edit, now));
  return applied;
}

async function applyEdit(tx: ClientBase, tenantId: string, proposalId: string, edit: Edit, now: number): Promise<AppliedEdit> {
  switch (edit.kind) {
    case 'set_properties':
    case 'delete_object': {
      const deleting = edit.kind === 'delete_object';
      const { rows } = await tx.query<{ version: string; properties: Record<string, unknown> }>(
        `UPDATE objects o SET
           properties = CASE WHEN $5 THEN '{}'::jsonb ELSE o.properties || $4::jsonb END,
           embedding = CASE WHEN $5 THEN NULL ELSE o.embedding END,
           deleted_at = CASE WHEN $5 THEN now() ELSE o.deleted_at END,
           version = o.version + 1, updated_at = now()
         FROM object_types t
         WHERE o.tenant_id = $1 AND t.tenant_id = $1 AND t.name = $2 AND o.object_type_id = t.id AND o.external_id = $3 AND o.deleted_at IS NULL
         RETURNING o.version, o.properties`,
        [tenantId, edit.objectType, edit.objectId, JSON.stringify(deleting ? {} : edit.properties), deleting],
      );
      const row = rows[0];
      if (!row) throw new EditFailedError(edit, `${edit.objectType}/${edit.objectId} no longer exists`);
      return objectChange(tenantId, proposalId, edit.objectType, edit.objectId, deleting ? 'DELETE' : 'UPSERT', Number(row.version), row.properties, now);
    }
    case 'create_object': {
      const { rows } = await tx.query<{ version: string }>(
        `INSERT INTO objects AS o (tenant_id, object_type_id, external_id, properties, version)
         SELECT $1, t.id, $3, $4, 1 FROM object_types t WHERE t.tenant_id = $1 AND t.name = $2
         ON CONFLICT (tenant_id, object_type_id, external_id) DO UPDATE SET properties = EXCLUDED.properties, deleted_at = NULL,
           version = o.version + 1, updated_at = now()
           WHERE o.deleted_at IS NOT NULL
         RETURNING o.version`,
        [tenantId, edit.objectType, edit.objectId, JSON.stringify(edit.properties)],
      );
      const row = rows[0];
      if (!row) throw new EditFailedError(edit, `${edit.objectType}/${edit.objectId} exists already`);
      return objectChange(tenantId, proposalId, edit.objectType, edit.objectId, 'UPSERT', Number(row.version), edit.properties, now);
    }
    case 'create_link':
    case 'delete_link': {
      const deleting = edit.kind === 'delete_link';
      if (!deleting) await requireFreeSlots(tx, tenantId, edit);
      const properties = edit.kind === 'create_link' ? (edit.properties ?? {}) : {};
      const { rows } = await tx.query<{ version: string }>(
        deleting
          ? `UPDATE links l SET deleted_at = now(), version = l.version + 1, updated_at = now()
             FROM link_types lt, objects f, objects t, object_types ft, object_types tt
             WHERE l.tenant_id = $1 AND lt.tenant_id = $1 AND lt.name = $2 AND l.link_type_id = lt.id
               AND ft.tenant_id = $1 AND ft.name = $3 AND f.tenant_id = $1 AND f.object_type_id = ft.id AND f.external_id = $4 AND l.from_object_id = f.id
               AND tt.tenant_id = $1 AND tt.name = $5 AND t.tenant_id = $1 AND t.object_type_id = tt.id AND t.external_id = $6 AND l.to_object_id = t.id
               AND l.deleted_at IS NULL
             RETURNING l.version`
          : `INSERT INTO links AS l (tenant_id, link_type_id, from_object_type_id, from_object_id, to_object_type_id, to_object_id, properties, version)
             SELECT $1, lt.id, ft.id, f.id, tt.id, t.id, $7, 1
             FROM link_types lt, objects f, objects t, object_types ft, object_types tt
             WHERE lt.tenant_id = $1 AND lt.name = $2
               AND ft.tenant_id = $1 AND ft.name = $3 AND f.tenant_id = $1 AND f.object_type_id = ft.id AND f.external_id = $4 AND f.deleted_at IS NULL
               AND tt.tenant_id = $1 AND tt.name = $5 AND t.tenant_id = $1 AND t.object_type_id = tt.id AND t.external_id = $6 AND t.deleted_at IS NULL
             ON CONFLICT (tenant_id, from_object_id, link_type_id, to_object_id) DO UPDATE SET deleted_at = NULL, properties = EXCLUDED.properties,
               version = l.version + 1, updated_at = now()
               WHERE l.deleted_at IS NOT NULL
             RETURNING l.version`,
        deleting
          ? [tenantId, edit.linkType, edit.from.objectType, edit.from.objectId, edit.to.objectType, edit.to.objectId]
          : [tenantId, edit.linkType, edit.from.objectType, edit.from.objectId, edit.to.objectType, edit.to.objectId, JSON.stringify(properties)],
      );
      const row = rows[0];
      if (!row) throw new EditFailedError(edit, `${edit.kind} ${edit.linkType} ${edit.from.objectType}/${edit.from.objectId} -> ${edit.to.objectType}/${edit.to.objectId} is no longer possible`);
      const entityId = linkEntityId(edit.linkType, edit.from.objectType, edit.from.objectId, edit.to.objectType, edit.to.objectId);
      const ends = { from: edit.from, to: edit.to };
      const change = ontologyChanged(
        { tenantId, entityKind: 'LINK', entityId, entityType: edit.linkType, op: deleting ? 'DELETE' : 'UPSERT', version: Number(row.version), after: { linkType: edit.linkType, ...ends, properties, pending: false }, sourceEventId: null, link: ends },
        now,
      );
      return { key: kafkaKey(tenantId, entityId), change: { ...change, proposalId } };
    }
  }
}

/**
 * A link may not take a to-one slot another live link holds (ADR 0008). The simulation deleted
 * the holder it saw, in an earlier edit; one that arrived since (an L2 link, or one still waiting
 * for an endpoint in pending_links) fails the edit instead of leaving two. The caller holds the
 * tenant's ontology lock, so no materializer batch adds a holder meanwhile.
 */
async function requireFreeSlots(tx: ClientBase, tenantId: string, edit: Extract<Edit, { kind: 'create_link' }>): Promise<void> {
  const { rows } = await tx.query<{ from_id: string; to_id: string; pending: boolean }>(
    `WITH lt AS (
       SELECT id, cardinality IN ('MANY_TO_ONE', 'ONE_TO_ONE') AS from_slot, cardinality IN ('ONE_TO_MANY', 'ONE_TO_ONE') AS to_slot
       FROM link_types WHERE tenant_id = $1 AND name = $2)
     SELECT f.external_id AS from_id, t.external_id AS to_id, false AS pending
     FROM lt, links l
     JOIN objects f ON f.tenant_id = l.tenant_id AND f.id = l.from_object_id
     JOIN objects t ON t.tenant_id = l.tenant_id AND t.id = l.to_object_id
     JOIN object_types ft ON ft.tenant_id = l.tenant_id AND ft.id = f.object_type_id
     JOIN object_types tt ON tt.tenant_id = l.tenant_id AND tt.id = t.object_type_id
     WHERE l.tenant_id = $1 AND l.link_type_id = lt.id AND l.deleted_at IS NULL
       AND ((lt.from_slot AND ft.name = $3 AND f.external_id = $4) OR (lt.to_slot AND tt.name = $5 AND t.external_id = $6))
       AND NOT (ft.name = $3 AND f.external_id = $4 AND tt.name = $5 AND t.external_id = $6)
     UNION ALL
     SELECT p.from_external_id, p.to_external_id, true
     FROM lt, pending_links p
     JOIN object_types ft ON ft.tenant_id = p.tenant_id AND ft.id = p.from_object_type_id
     JOIN object_types tt ON tt.tenant_id = p.tenant_id AND tt.id = p.to_object_type_id
     WHERE p.tenant_id = $1 AND p.link_type_id = lt.id AND p.deleted_at IS NULL
       AND ((lt.from_slot AND ft.name = $3 AND p.from_external_id = $4) OR (lt.to_slot AND tt.name = $5 AND p.to_external_id = $6))
     LIMIT 1`,
    [tenantId, edit.linkType, edit.from.objectType, edit.from.objectId, edit.to.objectType, edit.to.objectId],
  );
  const holder = rows[0];
  if (!holder) return;
  const held = `${edit.linkType} link ${edit.from.objectType}/${holder.from_id} -> ${edit.to.objectType}/${holder.to_id}${holder.pending ? ' (waiting for an endpoint)' : ''}`;
  throw new EditFailedError(edit, `create_link ${edit.linkType} ${edit.from.objectType}/${edit.from.objectId} -> ${edit.to.objectType}/${edit.to.objectId}: its to-one slot is held by the ${held}, which arrived after the simulation`);
}

function objectChange(tenantId: string, proposalId: string, objectType: string, objectId: string, op: 'UPSERT' | 'DELETE', version: number, properties: Record<string, unknown>, now: number): AppliedEdit {
  const entityId = objectEntityId(objectType, objectId);
  const change = ontologyChanged({ tenantId, entityKind: 'OBJECT', entityId, entityType: objectType, op, version, after: { objectType, objectId, properties }, sourceEventId: null }, now);
  return { key: kafkaKey(tenantId, entityId), change: { ...change, proposalId } };
}
