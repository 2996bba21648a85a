// Reads of `links`. A link is visible only while it and both its endpoints are live (ADR 0004,
// "Links of a deleted object"): the joins on the endpoints check that, so a deleted object's
// links disappear from every read without being deleted themselves.
import { GatewayError } from '../errors.ts';
import type { Queryable } from '../tenant-transaction.ts';
import { mapObjectRow, type ObjectRecord } from './objects.ts';

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

/** Which detail columns an adjacency read returns (chosen by gateway/loaders/link-projection.ts). */
export interface LinkProjection {
  /** The links' own properties, version, createdAt and updatedAt. */
  readonly linkDetails: boolean;
  /** The far endpoint's properties, version, sourceVersion, createdAt and updatedAt. */
  readonly farDetails: boolean;
}

export const FULL_PROJECTION: LinkProjection = { linkDetails: true, farDetails: true };

export interface AdjacentLinksQuery {
  readonly direction: LinkDirection;
  /** Only links of these types; null for every type. */
  readonly linkTypeIds: readonly string[] | null;
  /** Links per source object, oldest first. */
  readonly limit: number;
  /** Which detail columns to read (gateway/loaders/link-projection.ts); all by default. */
  readonly projection?: LinkProjection;
}

// The columns of one adjacency row: the link's and its far endpoint's (the object at the other
// end, joined anyway for its liveness, so Link.from/Link.to of an adjacent link need no
// statement of their own; they come out as far_<column>). Details are read only when the
// projection asks for them.
function adjacencyColumns(projection: LinkProjection): { link: string[]; far: string[] } {
  return {
    link: ['id', 'link_type_id', 'from_object_id', 'to_object_id', ...(projection.linkDetails ? ['properties', 'version', 'created_at', 'updated_at'] : [])],
    far: ['object_type_id', 'external_id', ...(projection.farDetails ? ['properties', 'version', 'source_version', 'created_at', 'updated_at'] : [])],
  };
}

// One side of the adjacency: links whose `column` is the source object. The outgoing side is
// served by links_identity_key (tenant_id, from_object_id, ...), the incoming one by
// links_incoming_idx (tenant_id, to_object_id, ...); RLS supplies the tenant_id. `sort_at`
// orders the rows and is not sent to the gateway.
function side(column: 'from_object_id' | 'to_object_id', skipSelfLinks: boolean, projection: LinkProjection): string {
  const farAlias = column === 'from_object_id' ? 't' : 'f';
  const { link, far } = adjacencyColumns(projection);
  return `
    SELECT ${[...link.map((c) => `l.${c}`), ...far.map((c) => `${farAlias}.${c} AS far_${c}`)].join(', ')}, l.created_at AS sort_at
    FROM links l
    JOIN objects f ON f.tenant_id = l.tenant_id AND f.id = l.from_object_id AND f.deleted_at IS NULL
    JOIN objects t ON t.tenant_id = l.tenant_id AND t.id = l.to_object_id AND t.deleted_at IS NULL
    WHERE l.${column} = src.id AND l.deleted_at IS NULL
      ${skipSelfLinks ? 'AND l.from_object_id <> src.id' : ''}
      AND ($2::uuid[] IS NULL OR l.link_type_id = ANY($2::uuid[]))
    ORDER BY l.created_at, l.id
    LIMIT $3`;
}

function adjacency(direction: LinkDirection, projection: LinkProjection): string {
  if (direction === 'OUT') return side('from_object_id', false, projection);
  if (direction === 'IN') return side('to_object_id', false, projection);
  // A self-link (from = to) is found from both sides; the incoming side skips it.
  return `SELECT * FROM ((${side('from_object_id', false, projection)}) UNION ALL (${side('to_object_id', true, projection)})) u
          ORDER BY u.sort_at, u.id LIMIT $3`;
}

/** Live links of each source object (at most `limit` each, oldest first), as a map from source id. */
export async function adjacentLinks(db: Queryable, sourceIds: readonly string[], query: AdjacentLinksQuery): Promise<Map<string, LinkRecord[]>> {
  const bySource = new Map<string, LinkRecord[]>(sourceIds.map((id) => [id, []]));
  if (sourceIds.length === 0) return bySource;
  const projection = query.projection ?? FULL_PROJECTION;
  const { link, far } = adjacencyColumns(projection);
  const output = [...link.map((c) => `l.${c}`), ...far.map((c) => `l.far_${c}`)];
  const { rows } = await db.query<AdjacencyRow>(
    `SELECT src.id AS source_id, ${output.join(', ')}
     FROM unnest($1::uuid[]) WITH ORDINALITY AS src(id, ord)
     CROSS JOIN LATERAL (${adjacency(query.direction, projection)}) l
     ORDER BY src.ord, l.sort_at, l.id`,
    [[...new Set(sourceIds)], query.linkTypeIds, query.limit],
  );
  for (const row of rows) bySource.get(row.source_id)?.push(adjacentLink(row, projection));
  return bySource;
}

type AdjacencyRow = LinkRow & {
  far_object_type_id: string;
  far_external_id: string;
  far_properties: Record<string, unknown>;
  far_version: string;
  far_source_version: string | null;
  far_created_at: Date;
  far_updated_at: Date;
};

/** The link with the far endpoint it was read with (the source is `from` unless the link was found from its `to` side). */
function adjacentLink(row: AdjacencyRow, projection: LinkProjection): LinkRecord {
  const outgoing = row.from_object_id === row.source_id;
  const farId = outgoing ? row.to_object_id : row.from_object_id;
  const far: ObjectRecord = projection.farDetails
    ? mapObjectRow({
        id: farId,
        object_type_id: row.far_object_type_id,
        external_id: row.far_external_id,
        properties: row.far_properties,
        version: row.far_version,
        source_version: row.far_source_version,
        created_at: row.far_created_at,
        updated_at: row.far_updated_at,
      })
    : withoutDetails(OBJECT_WITHOUT_DETAILS, { id: farId, objectTypeId: row.far_object_type_id, externalId: row.far_external_id });
  const ids = { id: row.id, linkTypeId: row.link_type_id, fromObjectId: row.from_object_id, toObjectId: row.to_object_id };
  const endpoint = outgoing ? { toObject: far } : { fromObject: far };
  if (projection.linkDetails) return { ...mapLinkRow(row), ...endpoint };
  return withoutDetails(LINK_WITHOUT_DETAILS, { ...ids, ...endpoint });
}

/**
 * The prototype of records read without their detail columns: using one is a bug in the
 * projection (gateway/loaders/link-projection.ts), reported as INTERNAL instead of answered
 * wrongly. (One shared prototype: hundreds of such records per request cost no property definitions.)
 */
function throwingDetails(what: string, details: readonly string[]): object {
  const prototype = {};
  for (const detail of details) {
    Object.defineProperty(prototype, detail, {
      get() {
        throw new GatewayError('INTERNAL', `the ${what}'s ${detail} was not read: the link projection missed a field that shows it`);
      },
    });
  }
  return prototype;
}

const OBJECT_WITHOUT_DETAILS = throwingDetails('object', ['properties', 'version', 'sourceVersion', 'createdAt', 'updatedAt']);
const LINK_WITHOUT_DETAILS = throwingDetails('link', ['properties', 'version', 'createdAt', 'updatedAt']);

function withoutDetails<R>(prototype: object, fields: object): R {
  return Object.assign(Object.create(prototype), fields) as R;
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
