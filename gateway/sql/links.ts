// Reads of `links`. A link is visible only while it and both its endpoints are live (ADR 0004,
// "Links of a deleted object"): the joins on the endpoints check that, so a deleted object's
// links disappear from every read without being deleted themselves.
import type { Queryable } from '../tenant-transaction.ts';
import { mapObjectRow, type ObjectRecord, type ObjectRow } from './objects.ts';

export type LinkDirection = 'OUT' | 'IN' | 'BOTH';

export interface LinkRecord {
  readonly id: string;
  readonly linkTypeId: string;
  readonly fromObjectId: string;
  readonly toObjectId: string;
  readonly properties: Record<string, unknown>;
  readonly version: number;
  readonly createdAt: Date;
  readonly updatedAt: Date;
  /** Endpoints already read by whoever found the link (a traversal); the loaders use them instead of reading again. */
  readonly fromObject?: ObjectRecord;
  readonly toObject?: ObjectRecord;
}

interface LinkRow {
  source_id: string;
  id: string;
  link_type_id: string;
  from_object_id: string;
  to_object_id: string;
  properties: Record<string, unknown>;
  version: string;
  created_at: Date;
  updated_at: Date;
}

export interface AdjacentLinksQuery {
  readonly direction: LinkDirection;
  /** Only links of these types; null for every type. */
  readonly linkTypeIds: readonly string[] | null;
  /** Links per source object, oldest first. */
  readonly limit: number;
}

// One side of the adjacency: links whose `column` is the source object. The outgoing side is
// served by links_identity_key (tenant_id, from_object_id, ...), the incoming one by
// links_incoming_idx (tenant_id, to_object_id, ...); RLS supplies the tenant_id.
// The far endpoint (the object at the other end) is joined anyway, for its liveness: its columns
// come along (far_*), so Link.from/Link.to of an adjacent link need no statement of their own.
function side(column: 'from_object_id' | 'to_object_id', skipSelfLinks: boolean): string {
  const far = column === 'from_object_id' ? 't' : 'f';
  return `
    SELECT l.id, l.link_type_id, l.from_object_id, l.to_object_id, l.properties, l.version, l.created_at, l.updated_at,
           ${far}.object_type_id AS far_object_type_id, ${far}.external_id AS far_external_id, ${far}.properties AS far_properties,
           ${far}.version AS far_version, ${far}.source_version AS far_source_version, ${far}.created_at AS far_created_at, ${far}.updated_at AS far_updated_at
    FROM links l
    JOIN objects f ON f.tenant_id = l.tenant_id AND f.id = l.from_object_id AND f.deleted_at IS NULL
    JOIN objects t ON t.tenant_id = l.tenant_id AND t.id = l.to_object_id AND t.deleted_at IS NULL
    WHERE l.${column} = src.id AND l.deleted_at IS NULL
      ${skipSelfLinks ? 'AND l.from_object_id <> src.id' : ''}
      AND ($2::uuid[] IS NULL OR l.link_type_id = ANY($2::uuid[]))
    ORDER BY l.created_at, l.id
    LIMIT $3`;
}

function adjacency(direction: LinkDirection): string {
  if (direction === 'OUT') return side('from_object_id', false);
  if (direction === 'IN') return side('to_object_id', false);
  // A self-link (from = to) is found from both sides; the incoming side skips it.
  return `SELECT * FROM ((${side('from_object_id', false)}) UNION ALL (${side('to_object_id', true)})) u
          ORDER BY u.created_at, u.id LIMIT $3`;
}

/** Live links of each source object (at most `limit` each, oldest first), as a map from source id. */
export async function adjacentLinks(db: Queryable, sourceIds: readonly string[], query: AdjacentLinksQuery): Promise<Map<string, LinkRecord[]>> {
  const bySource = new Map<string, LinkRecord[]>(sourceIds.map((id) => [id, []]));
  if (sourceIds.length === 0) return bySource;
  const { rows } = await db.query<LinkRow & FarEndColumns>(
    `SELECT src.id AS source_id, l.*
     FROM unnest($1::uuid[]) WITH ORDINALITY AS src(id, ord)
     CROSS JOIN LATERAL (${adjacency(query.direction)}) l
     ORDER BY src.ord, l.created_at, l.id`,
    [[...new Set(sourceIds)], query.linkTypeIds, query.limit],
  );
  for (const row of rows) bySource.get(row.source_id)?.push(withFarEnd(mapLinkRow(row), row));
  return bySource;
}

interface FarEndColumns {
  far_object_type_id: string;
  far_external_id: string;
  far_properties: Record<string, unknown>;
  far_version: string;
  far_source_version: string | null;
  far_created_at: Date;
  far_updated_at: Date;
}

/** The link with the far endpoint it was read with (the source is `from` unless the link was found from its `to` side). */
function withFarEnd(link: LinkRecord, row: LinkRow & FarEndColumns): LinkRecord {
  const outgoing = link.fromObjectId === row.source_id;
  const farRow: ObjectRow = {
    id: outgoing ? link.toObjectId : link.fromObjectId,
    object_type_id: row.far_object_type_id,
    external_id: row.far_external_id,
    properties: row.far_properties,
    version: row.far_version,
    source_version: row.far_source_version,
    created_at: row.far_created_at,
    updated_at: row.far_updated_at,
  };
  const far = mapObjectRow(farRow);
  return outgoing ? { ...link, toObject: far } : { ...link, fromObject: far };
}

function mapLinkRow(row: LinkRow): LinkRecord {
  return {
    id: row.id,
    linkTypeId: row.link_type_id,
    fromObjectId: row.from_object_id,
    toObjectId: row.to_object_id,
    properties: row.properties,
    version: Number(row.version),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
