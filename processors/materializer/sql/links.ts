// Reads and writes of `links` and `pending_links` for one tenant's batch.
import type { ClientBase } from 'pg';
import { endpointKey, storedLinkKey, type LinkWrite, type Slot, type SlotOccupant, type StoredLink } from '../decide-links.ts';

export interface EndpointRef {
  readonly objectTypeId: string;
  readonly objectId: string;
}

/** The object rows (live or tombstone) among `endpoints`: endpointKey -> objects.id. */
export async function loadEndpoints(tx: ClientBase, tenantId: string, endpoints: readonly EndpointRef[]): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  if (endpoints.length === 0) return found;
  const { rows } = await tx.query<{ id: string; object_type_id: string; external_id: string }>(
    `SELECT o.id, o.object_type_id, o.external_id
     FROM unnest($2::uuid[], $3::text[]) AS k(object_type_id, external_id)
     JOIN objects o ON o.tenant_id = $1 AND o.object_type_id = k.object_type_id AND o.external_id = k.external_id`,
    [tenantId, endpoints.map((e) => e.objectTypeId), endpoints.map((e) => e.objectId)],
  );
  for (const row of rows) found.set(endpointKey(row.object_type_id, row.external_id), row.id);
  return found;
}

export interface LinkKey {
  readonly linkTypeId: string;
  readonly fromTypeId: string;
  readonly fromId: string;
  readonly toTypeId: string;
  readonly toId: string;
}

export async function loadStoredLinks(tx: ClientBase, tenantId: string, keys: readonly LinkKey[]): Promise<Map<string, StoredLink>> {
  const stored = new Map<string, StoredLink>();
  if (keys.length === 0) return stored;
  const { rows } = await tx.query<{ place: 'links' | 'pending'; link_type_id: string; from_type: string; from_id: string; to_type: string; to_id: string; version: string; source_version: string | null; deleted: boolean }>(
    `WITH k AS (
       SELECT * FROM unnest($2::uuid[], $3::uuid[], $4::text[], $5::uuid[], $6::text[])
         AS k(link_type_id, from_type, from_id, to_type, to_id)
     )
     SELECT 'links' AS place, k.*, l.version, l.source_version, l.deleted_at IS NOT NULL AS deleted
     FROM k
     JOIN objects f ON f.tenant_id = $1 AND f.object_type_id = k.from_type AND f.external_id = k.from_id
     JOIN objects t ON t.tenant_id = $1 AND t.object_type_id = k.to_type AND t.external_id = k.to_id
     JOIN links l ON l.tenant_id = $1 AND l.from_object_id = f.id AND l.link_type_id = k.link_type_id AND l.to_object_id = t.id
     UNION ALL
     SELECT 'pending', k.*, p.version, p.source_version, p.deleted_at IS NOT NULL
     FROM k
     JOIN pending_links p ON p.tenant_id = $1 AND p.link_type_id = k.link_type_id
       AND p.from_object_type_id = k.from_type AND p.from_external_id = k.from_id
       AND p.to_object_type_id = k.to_type AND p.to_external_id = k.to_id`,
    [tenantId, keys.map((k) => k.linkTypeId), keys.map((k) => k.fromTypeId), keys.map((k) => k.fromId), keys.map((k) => k.toTypeId), keys.map((k) => k.toId)],
  );
  for (const row of rows) {
    stored.set(storedLinkKey(row.link_type_id, row.from_type, row.from_id, row.to_type, row.to_id), {
      place: row.place,
      version: Number(row.version),
      sourceVersion: Number(row.source_version ?? -1),
      deleted: row.deleted,
    });
  }
  return stored;
}

/**
 * The live (not deleted) links, in `links` or `pending_links`, that hold any of `slots`
 * (docs/adr/0008), by storedLinkKey. Endpoints are matched by type and external id, which both
 * tables know.
 */
export async function loadSlotOccupants(tx: ClientBase, tenantId: string, slots: readonly Slot[]): Promise<Map<string, SlotOccupant>> {
  const occupants = new Map<string, SlotOccupant>();
  if (slots.length === 0) return occupants;
  const { rows } = await tx.query<{ place: 'links' | 'pending'; link_type_id: string; from_type: string; from_id: string; to_type: string; to_id: string; version: string; source_version: string | null }>(
    `WITH s AS (
       SELECT * FROM unnest($2::uuid[], $3::text[], $4::uuid[], $5::text[]) AS s(link_type_id, end_name, object_type_id, external_id)
     ), held AS (
       SELECT l.* FROM s
       JOIN objects e ON e.tenant_id = $1 AND e.object_type_id = s.object_type_id AND e.external_id = s.external_id
       JOIN links l ON l.tenant_id = $1 AND l.from_object_id = e.id AND l.link_type_id = s.link_type_id
       WHERE s.end_name = 'from' AND l.deleted_at IS NULL
       UNION
       SELECT l.* FROM s
       JOIN objects e ON e.tenant_id = $1 AND e.object_type_id = s.object_type_id AND e.external_id = s.external_id
       JOIN links l ON l.tenant_id = $1 AND l.to_object_id = e.id AND l.link_type_id = s.link_type_id
       WHERE s.end_name = 'to' AND l.deleted_at IS NULL
     )
     SELECT 'links' AS place, h.link_type_id, f.object_type_id AS from_type, f.external_id AS from_id,
            t.object_type_id AS to_type, t.external_id AS to_id, h.version, h.source_version
     FROM held h
     JOIN objects f ON f.tenant_id = $1 AND f.id = h.from_object_id
     JOIN objects t ON t.tenant_id = $1 AND t.id = h.to_object_id
     UNION
     SELECT 'pending', p.link_type_id, p.from_object_type_id, p.from_external_id, p.to_object_type_id, p.to_external_id, p.version, p.source_version
     FROM s
     JOIN pending_links p ON p.tenant_id = $1 AND p.link_type_id = s.link_type_id AND p.deleted_at IS NULL
       AND ((s.end_name = 'from' AND p.from_object_type_id = s.object_type_id AND p.from_external_id = s.external_id)
         OR (s.end_name = 'to' AND p.to_object_type_id = s.object_type_id AND p.to_external_id = s.external_id))`,
    [tenantId, slots.map((x) => x.linkTypeId), slots.map((x) => x.end), slots.map((x) => x.objectTypeId), slots.map((x) => x.objectId)],
  );
  for (const row of rows) {
    occupants.set(storedLinkKey(row.link_type_id, row.from_type, row.from_id, row.to_type, row.to_id), {
      place: row.place,
      version: Number(row.version),
      sourceVersion: Number(row.source_version ?? -1),
      deleted: false,
      linkTypeId: row.link_type_id,
      fromTypeId: row.from_type,
      fromId: row.from_id,
      toTypeId: row.to_type,
      toId: row.to_id,
    });
  }
  return occupants;
}

export async function writeLinks(tx: ClientBase, tenantId: string, writes: readonly LinkWrite[], endpoints: ReadonlyMap<string, string>): Promise<void> {
  const live = writes.filter((w) => w.place === 'links');
  const pending = writes.filter((w) => w.place === 'pending');
  const moved = live.filter((w) => w.previousPlace === 'pending');
  if (moved.length > 0) {
    await tx.query(
      `DELETE FROM pending_links p USING unnest($2::uuid[], $3::uuid[], $4::text[], $5::uuid[], $6::text[]) AS k(link_type_id, from_type, from_id, to_type, to_id)
       WHERE p.tenant_id = $1 AND p.link_type_id = k.link_type_id AND p.from_object_type_id = k.from_type
         AND p.from_external_id = k.from_id AND p.to_object_type_id = k.to_type AND p.to_external_id = k.to_id`,
      [tenantId, moved.map((w) => w.linkTypeId), moved.map((w) => w.fromTypeId), moved.map((w) => w.fromId), moved.map((w) => w.toTypeId), moved.map((w) => w.toId)],
    );
  }
  if (live.length > 0) {
    const objectId = (typeId: string, id: string): string => {
      const found = endpoints.get(endpointKey(typeId, id));
      if (!found) throw new Error(`endpoint ${typeId}/${id} has no row although the link was placed in links`);
      return found;
    };
    await tx.query(
      `INSERT INTO links AS l (tenant_id, link_type_id, from_object_type_id, from_object_id, to_object_type_id, to_object_id,
                               properties, version, source_version, deleted_at)
       SELECT $1, w.link_type_id, w.from_type, w.from_object, w.to_type, w.to_object, w.properties, w.version, w.source_version,
              CASE WHEN w.deleted THEN now() END
       FROM unnest($2::uuid[], $3::uuid[], $4::uuid[], $5::uuid[], $6::uuid[], $7::jsonb[], $8::bigint[], $9::bigint[], $10::boolean[])
         AS w(link_type_id, from_type, from_object, to_type, to_object, properties, version, source_version, deleted)
       ON CONFLICT (tenant_id, from_object_id, link_type_id, to_object_id) DO UPDATE SET
         properties = EXCLUDED.properties, version = EXCLUDED.version, source_version = EXCLUDED.source_version,
         deleted_at = CASE WHEN EXCLUDED.deleted_at IS NULL THEN NULL ELSE COALESCE(l.deleted_at, EXCLUDED.deleted_at) END,
         updated_at = now()`,
      [
        tenantId,
        live.map((w) => w.linkTypeId),
        live.map((w) => w.fromTypeId),
        live.map((w) => objectId(w.fromTypeId, w.fromId)),
        live.map((w) => w.toTypeId),
        live.map((w) => objectId(w.toTypeId, w.toId)),
        live.map((w) => JSON.stringify(w.properties)),
        live.map((w) => w.version),
        live.map((w) => w.sourceVersion),
        live.map((w) => w.deleted),
      ],
    );
  }
  if (pending.length > 0) {
    await tx.query(
      `INSERT INTO pending_links AS p (tenant_id, link_type_id, from_object_type_id, from_external_id, to_object_type_id, to_external_id,
                                       properties, version, source_version, deleted_at)
       SELECT $1, w.link_type_id, w.from_type, w.from_id, w.to_type, w.to_id, w.properties, w.version, w.source_version,
              CASE WHEN w.deleted THEN now() END
       FROM unnest($2::uuid[], $3::uuid[], $4::text[], $5::uuid[], $6::text[], $7::jsonb[], $8::bigint[], $9::bigint[], $10::boolean[])
         AS w(link_type_id, from_type, from_id, to_type, to_id, properties, version, source_version, deleted)
       ON CONFLICT (tenant_id, link_type_id, from_object_type_id, from_external_id, to_object_type_id, to_external_id) DO UPDATE SET
         properties = EXCLUDED.properties, version = EXCLUDED.version, source_version = EXCLUDED.source_version,
         deleted_at = CASE WHEN EXCLUDED.deleted_at IS NULL THEN NULL ELSE COALESCE(p.deleted_at, EXCLUDED.deleted_at) END,
         updated_at = now()`,
      [
        tenantId,
        pending.map((w) => w.linkTypeId),
        pending.map((w) => w.fromTypeId),
        pending.map((w) => w.fromId),
        pending.map((w) => w.toTypeId),
        pending.map((w) => w.toId),
        pending.map((w) => JSON.stringify(w.properties)),
        pending.map((w) => w.version),
        pending.map((w) => w.sourceVersion),
        pending.map((w) => w.deleted),
      ],
    );
  }
}

/**
 * Moves the pending links that touch `created` objects and now have both endpoints into `links`,
 * keeping their state and version (a move is not a change: it writes no outbox event).
 */
export async function promotePendingLinks(tx: ClientBase, tenantId: string, created: readonly EndpointRef[]): Promise<number> {
  if (created.length === 0) return 0;
  const result = await tx.query(
    `WITH created AS (
       SELECT * FROM unnest($2::uuid[], $3::text[]) AS c(object_type_id, external_id)
     ), moved AS (
       DELETE FROM pending_links p
       USING objects f, objects t
       WHERE p.tenant_id = $1
         AND f.tenant_id = $1 AND f.object_type_id = p.from_object_type_id AND f.external_id = p.from_external_id
         AND t.tenant_id = $1 AND t.object_type_id = p.to_object_type_id AND t.external_id = p.to_external_id
         AND (EXISTS (SELECT 1 FROM created c WHERE c.object_type_id = p.from_object_type_id AND c.external_id = p.from_external_id)
           OR EXISTS (SELECT 1 FROM created c WHERE c.object_type_id = p.to_object_type_id AND c.external_id = p.to_external_id))
       RETURNING p.*, f.id AS from_object_id, t.id AS to_object_id
     )
     INSERT INTO links (tenant_id, link_type_id, from_object_type_id, from_object_id, to_object_type_id, to_object_id,
                        properties, version, source_version, deleted_at, created_at)
     SELECT tenant_id, link_type_id, from_object_type_id, from_object_id, to_object_type_id, to_object_id,
            properties, version, source_version, deleted_at, created_at
     FROM moved`,
    [tenantId, created.map((c) => c.objectTypeId), created.map((c) => c.objectId)],
  );
  return result.rowCount ?? 0;
}
