-- Up Migration

-- One row per object ever seen. A delete does not remove the row: it leaves a tombstone
-- (deleted_at set, version incremented, source_version of the delete recorded), so that an
-- older UPSERT arriving after the DELETE (ARCHITECTURE §2: out-of-order safe via
-- sourceVersion) is recognised as stale instead of resurrecting the object.
CREATE TABLE objects (
  tenant_id uuid NOT NULL,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  object_type_id uuid NOT NULL,
  -- The source system's id (ObjectChange.objectId), unique per type within the tenant.
  external_id text NOT NULL CONSTRAINT objects_external_id_check CHECK (length(external_id) BETWEEN 1 AND 512),
  properties jsonb NOT NULL DEFAULT '{}'::jsonb
    CONSTRAINT objects_properties_check CHECK (jsonb_typeof(properties) = 'object'),
  -- 384 dimensions: the output size of the small sentence-embedding models (all-MiniLM-L6-v2,
  -- bge-small, e5-small) that run on a CPU next to L2. Changing it is a new migration.
  embedding vector(384),
  version bigint NOT NULL DEFAULT 1 CONSTRAINT objects_version_check CHECK (version >= 1),
  -- The source's own version of the last change applied (ObjectChange.sourceVersion); NULL
  -- while the object has only ever been written by L3 actions.
  source_version bigint CONSTRAINT objects_source_version_check CHECK (source_version >= 0),
  deleted_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT objects_pkey PRIMARY KEY (tenant_id, id),
  CONSTRAINT objects_external_id_key UNIQUE (tenant_id, object_type_id, external_id),
  -- Target of links' foreign keys (a link endpoint must be an object of the declared type);
  -- with object_type_id second it also serves "objects of a type, by id" cursor pagination.
  CONSTRAINT objects_type_id_key UNIQUE (tenant_id, object_type_id, id),
  CONSTRAINT objects_object_type_fkey FOREIGN KEY (tenant_id, object_type_id)
    REFERENCES object_types (tenant_id, id),
  -- A tombstone keeps no embedding, so similarity search can never return a deleted object
  -- (the HNSW index does not hold NULL vectors).
  CONSTRAINT objects_tombstone_embedding_check CHECK (deleted_at IS NULL OR embedding IS NULL)
);

-- Property filters (`properties @> '{"status": "open"}'`). jsonb_path_ops: smaller and faster
-- than the default opclass for containment, which is the only operator readers use.
CREATE INDEX objects_properties_idx ON objects USING gin (properties jsonb_path_ops);

-- k-nearest-neighbour search by cosine distance (`ORDER BY embedding <=> $1 LIMIT k`).
-- m and ef_construction are pgvector's defaults, spelled out so a change is visible here.
CREATE INDEX objects_embedding_hnsw_idx ON objects
  USING hnsw (embedding vector_cosine_ops) WITH (m = 16, ef_construction = 64);

-- A link has no id in the source (LinkChange carries linkType, from and to), so its identity
-- is (tenant, from, link type, to). The endpoint types are stored on the link so that the
-- foreign keys can prove both endpoints have the types the link type declares.
CREATE TABLE links (
  tenant_id uuid NOT NULL,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  link_type_id uuid NOT NULL,
  from_object_type_id uuid NOT NULL,
  from_object_id uuid NOT NULL,
  to_object_type_id uuid NOT NULL,
  to_object_id uuid NOT NULL,
  properties jsonb NOT NULL DEFAULT '{}'::jsonb
    CONSTRAINT links_properties_check CHECK (jsonb_typeof(properties) = 'object'),
  version bigint NOT NULL DEFAULT 1 CONSTRAINT links_version_check CHECK (version >= 1),
  source_version bigint CONSTRAINT links_source_version_check CHECK (source_version >= 0),
  -- Tombstone, as for objects.
  deleted_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT links_pkey PRIMARY KEY (tenant_id, id),
  -- Identity of the link, and the outgoing adjacency index: its prefix
  -- (tenant_id, from_object_id, link_type_id) serves "links of type T from object X".
  CONSTRAINT links_identity_key UNIQUE (tenant_id, from_object_id, link_type_id, to_object_id),
  CONSTRAINT links_link_type_fkey FOREIGN KEY (tenant_id, link_type_id, from_object_type_id, to_object_type_id)
    REFERENCES link_types (tenant_id, id, from_object_type_id, to_object_type_id),
  CONSTRAINT links_from_object_fkey FOREIGN KEY (tenant_id, from_object_type_id, from_object_id)
    REFERENCES objects (tenant_id, object_type_id, id),
  CONSTRAINT links_to_object_fkey FOREIGN KEY (tenant_id, to_object_type_id, to_object_id)
    REFERENCES objects (tenant_id, object_type_id, id)
);

-- Incoming adjacency: "links of type T pointing at object X"; from_object_id last so that a
-- traversal step can be answered from the index alone.
CREATE INDEX links_incoming_idx ON links (tenant_id, to_object_id, link_type_id, from_object_id);
CREATE INDEX links_link_type_idx ON links (tenant_id, link_type_id);
