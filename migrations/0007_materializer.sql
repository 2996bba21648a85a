-- Up Migration

-- What the ontology materializer needs beyond the base schema (docs/adr/0004).

-- Property data types: the Avro contract's PropertyDataType symbols, lower-cased.
ALTER TABLE object_properties DROP CONSTRAINT object_properties_data_type_check;
ALTER TABLE object_properties ADD CONSTRAINT object_properties_data_type_check
  CHECK (data_type IN ('string', 'integer', 'number', 'boolean', 'date', 'timestamp', 'uuid', 'json',
                       'string_array', 'integer_array', 'number_array'));

-- Link types carry property definitions too; they are few and read whole, so jsonb (an array
-- of {name, dataType, required, indexed, sensitive, description}) rather than another table.
ALTER TABLE link_types ADD COLUMN property_defs jsonb NOT NULL DEFAULT '[]'::jsonb
  CONSTRAINT link_types_property_defs_check CHECK (jsonb_typeof(property_defs) = 'array');

-- Links whose endpoint object has no row yet (neither live nor a tombstone). They wait here,
-- addressed by the endpoints' source ids, and move to `links` in the transaction that creates
-- the missing object. Same version rule and tombstones as `links`.
CREATE TABLE pending_links (
  tenant_id uuid NOT NULL REFERENCES tenants (tenant_id),
  link_type_id uuid NOT NULL,
  from_object_type_id uuid NOT NULL,
  from_external_id text NOT NULL CONSTRAINT pending_links_from_external_id_check CHECK (length(from_external_id) BETWEEN 1 AND 512),
  to_object_type_id uuid NOT NULL,
  to_external_id text NOT NULL CONSTRAINT pending_links_to_external_id_check CHECK (length(to_external_id) BETWEEN 1 AND 512),
  properties jsonb NOT NULL DEFAULT '{}'::jsonb
    CONSTRAINT pending_links_properties_check CHECK (jsonb_typeof(properties) = 'object'),
  version bigint NOT NULL DEFAULT 1 CONSTRAINT pending_links_version_check CHECK (version >= 1),
  source_version bigint NOT NULL CONSTRAINT pending_links_source_version_check CHECK (source_version >= 0),
  deleted_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT pending_links_pkey PRIMARY KEY (tenant_id, link_type_id, from_object_type_id, from_external_id, to_object_type_id, to_external_id),
  CONSTRAINT pending_links_link_type_fkey FOREIGN KEY (tenant_id, link_type_id, from_object_type_id, to_object_type_id)
    REFERENCES link_types (tenant_id, id, from_object_type_id, to_object_type_id)
);
CREATE INDEX pending_links_from_idx ON pending_links (tenant_id, from_object_type_id, from_external_id);
CREATE INDEX pending_links_to_idx ON pending_links (tenant_id, to_object_type_id, to_external_id);

ALTER TABLE pending_links ENABLE ROW LEVEL SECURITY;
ALTER TABLE pending_links FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON pending_links
  USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
  WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);
GRANT SELECT ON pending_links TO l3_gateway;
GRANT SELECT, INSERT, UPDATE, DELETE ON pending_links TO l3_processor;

-- Bad input parked for `<topic>.dlq` (ARCHITECTURE §5). Written in the same transaction as the
-- batch's offsets, unique per source record, so a replayed batch cannot park a record twice; the
-- relay publishes it with the original key, value and headers. Undecodable records have no
-- tenant, so this is processor plumbing like consumer_offsets: no tenant column, no RLS, and no
-- grant to the gateway (the bytes may hold any tenant's data).
CREATE TABLE dead_letters (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  consumer_group text NOT NULL,
  source_topic text NOT NULL CONSTRAINT dead_letters_source_topic_check CHECK (source_topic ~ '^[A-Za-z0-9._-]{1,249}$'),
  source_partition integer NOT NULL CONSTRAINT dead_letters_source_partition_check CHECK (source_partition >= 0),
  source_offset bigint NOT NULL CONSTRAINT dead_letters_source_offset_check CHECK (source_offset >= 0),
  dlq_topic text NOT NULL CONSTRAINT dead_letters_dlq_topic_check CHECK (dlq_topic ~ '^[A-Za-z0-9._-]{1,249}$'),
  record_key bytea,
  record_value bytea,
  -- The original Kafka headers as [[name, base64 value], ...], order kept.
  record_headers jsonb NOT NULL DEFAULT '[]'::jsonb CONSTRAINT dead_letters_record_headers_check CHECK (jsonb_typeof(record_headers) = 'array'),
  error_class text NOT NULL,
  error_message text NOT NULL,
  processor text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  published_at timestamptz,
  CONSTRAINT dead_letters_source_key UNIQUE (consumer_group, source_topic, source_partition, source_offset)
);
CREATE INDEX dead_letters_unpublished_idx ON dead_letters (id) WHERE published_at IS NULL;
GRANT SELECT, INSERT ON dead_letters TO l3_processor;
GRANT UPDATE (published_at) ON dead_letters TO l3_processor;

-- Tools as the TypeDefChange contract declares them: effect kind ONTOLOGY_EDIT / EXTERNAL / BOTH and
-- irreversibility as its own flag (it raises the blast radius whatever the kind). A tool's
-- `version` is the version proposals pin, so a published (name, version) is never rewritten.
ALTER TABLE tool_catalog DROP CONSTRAINT tool_catalog_effect_kind_check;
UPDATE tool_catalog SET effect_kind = 'ONTOLOGY_EDIT' WHERE effect_kind = 'ONTOLOGY';
UPDATE tool_catalog SET effect_kind = 'EXTERNAL' WHERE effect_kind = 'EXTERNAL_IRREVERSIBLE';
ALTER TABLE tool_catalog ADD CONSTRAINT tool_catalog_effect_kind_check
  CHECK (effect_kind IN ('ONTOLOGY_EDIT', 'EXTERNAL', 'BOTH'));
ALTER TABLE tool_catalog ADD COLUMN irreversible boolean NOT NULL DEFAULT false;
ALTER TABLE tool_catalog ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now();

-- A tool's effects are `{targets: [...], effects: [...]}` (examples/ontology/README.md): the
-- targets a proposal must name, then the effects over them.
ALTER TABLE tool_catalog DROP CONSTRAINT tool_catalog_effects_check;
ALTER TABLE tool_catalog ALTER COLUMN effects SET DEFAULT '{"targets": [], "effects": []}'::jsonb;
ALTER TABLE tool_catalog ADD CONSTRAINT tool_catalog_effects_check CHECK (jsonb_typeof(effects) = 'object');
