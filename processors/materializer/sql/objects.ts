// Reads and writes of `objects` for one tenant's batch, each a single statement over arrays.
import type { ClientBase } from 'pg';
import { storedObjectKey, type ObjectWrite, type StoredObject } from '../decide-objects.ts';

export async function loadStoredObjects(
  tx: ClientBase,
  tenantId: string,
  keys: readonly { objectTypeId: string; objectId: string }[],
): Promise<Map<string, StoredObject>> {
  const stored = new Map<string, StoredObject>();
  if (keys.length === 0) return stored;
  const { rows } = await tx.query<{ object_type_id: string; external_id: string; version: string; source_version: string | null; deleted: boolean }>(
    `SELECT o.object_type_id, o.external_id, o.version, o.source_version, o.deleted_at IS NOT NULL AS deleted
     FROM unnest($2::uuid[], $3::text[]) AS k(object_type_id, external_id)
     JOIN objects o ON o.tenant_id = $1 AND o.object_type_id = k.object_type_id AND o.external_id = k.external_id`,
    [tenantId, keys.map((k) => k.objectTypeId), keys.map((k) => k.objectId)],
  );
  for (const row of rows) {
    stored.set(storedObjectKey(row.object_type_id, row.external_id), {
      version: Number(row.version),
      sourceVersion: Number(row.source_version ?? -1),
      deleted: row.deleted,
    });
  }
  return stored;
}

/** Upserts the final rows; returns the objects that had no row before (for pending links). */
export async function writeObjects(tx: ClientBase, tenantId: string, writes: readonly ObjectWrite[]): Promise<{ objectTypeId: string; objectId: string }[]> {
  if (writes.length === 0) return [];
  const { rows } = await tx.query<{ object_type_id: string; external_id: string; inserted: boolean }>(
    // Only the rows that did not exist come back: the caller needs those (pending links), and
    // returning every row costs as much to parse as the rest of the statement's reply.
    `WITH written AS (
     INSERT INTO objects AS o (tenant_id, object_type_id, external_id, properties, embedding, version, source_version, deleted_at)
     SELECT $1, w.object_type_id, w.external_id, w.properties, w.embedding::vector, w.version, w.source_version,
            CASE WHEN w.deleted THEN now() END
     FROM unnest($2::uuid[], $3::text[], $4::jsonb[], $5::text[], $6::bigint[], $7::bigint[], $8::boolean[])
       AS w(object_type_id, external_id, properties, embedding, version, source_version, deleted)
     ON CONFLICT (tenant_id, object_type_id, external_id) DO UPDATE SET
       properties = EXCLUDED.properties,
       embedding = EXCLUDED.embedding,
       version = EXCLUDED.version,
       source_version = EXCLUDED.source_version,
       deleted_at = CASE WHEN EXCLUDED.deleted_at IS NULL THEN NULL ELSE COALESCE(o.deleted_at, EXCLUDED.deleted_at) END,
       updated_at = now()
     RETURNING object_type_id, external_id, (xmax = 0) AS inserted
     )
     SELECT object_type_id, external_id, inserted FROM written WHERE inserted`,
    [
      tenantId,
      writes.map((w) => w.objectTypeId),
      writes.map((w) => w.objectId),
      writes.map((w) => JSON.stringify(w.properties)),
      writes.map((w) => (w.embedding ? `[${w.embedding.join(',')}]` : null)),
      writes.map((w) => w.version),
      writes.map((w) => w.sourceVersion),
      writes.map((w) => w.deleted),
    ],
  );
  return rows.filter((row) => row.inserted).map((row) => ({ objectTypeId: row.object_type_id, objectId: row.external_id }));
}
