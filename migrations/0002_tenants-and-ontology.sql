-- Up Migration

-- Conventions for every tenant-owned table from here on:
-- * the primary key is (tenant_id, <id>) so that every foreign key can be composite and
--   include tenant_id: a row can then only ever reference a row of its own tenant, whatever
--   the application does. With RLS adding `tenant_id = <current tenant>` to every query, the
--   same key also serves lookups by id.
-- * names that the gateway exposes as GraphQL type or field names follow the GraphQL Name
--   grammar (and never start with "__", which GraphQL reserves).
-- * version is the optimistic-concurrency counter: every write increments it.

CREATE TABLE tenants (
  tenant_id uuid PRIMARY KEY,
  name text NOT NULL CONSTRAINT tenants_name_check CHECK (length(name) BETWEEN 1 AND 200),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE object_types (
  tenant_id uuid NOT NULL REFERENCES tenants (tenant_id),
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  name text NOT NULL CONSTRAINT object_types_name_check CHECK (name ~ '^[A-Za-z][A-Za-z0-9_]{0,99}$'),
  description text NOT NULL DEFAULT '',
  version bigint NOT NULL DEFAULT 1 CONSTRAINT object_types_version_check CHECK (version >= 1),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT object_types_pkey PRIMARY KEY (tenant_id, id),
  CONSTRAINT object_types_name_key UNIQUE (tenant_id, name)
);

-- Property definitions: what objects.properties of a type may hold. Processors validate
-- incoming properties against these rows (ARCHITECTURE §5); `indexed` marks the properties
-- readers may filter on (equality filters are served by the GIN index on objects.properties);
-- `sensitive` raises the blast radius of actions that touch the property (§6) and lets
-- readers redact it.
CREATE TABLE object_properties (
  tenant_id uuid NOT NULL,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  object_type_id uuid NOT NULL,
  name text NOT NULL CONSTRAINT object_properties_name_check CHECK (name ~ '^[A-Za-z][A-Za-z0-9_]{0,99}$'),
  -- The JSON shape each data type allows in objects.properties:
  -- string, date (YYYY-MM-DD), timestamp (RFC 3339), uuid: JSON string;
  -- integer, number: JSON number; boolean: JSON boolean; json: any JSON value.
  data_type text NOT NULL CONSTRAINT object_properties_data_type_check
    CHECK (data_type IN ('string', 'integer', 'number', 'boolean', 'date', 'timestamp', 'uuid', 'json')),
  required boolean NOT NULL DEFAULT false,
  indexed boolean NOT NULL DEFAULT false,
  sensitive boolean NOT NULL DEFAULT false,
  description text NOT NULL DEFAULT '',
  version bigint NOT NULL DEFAULT 1 CONSTRAINT object_properties_version_check CHECK (version >= 1),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT object_properties_pkey PRIMARY KEY (tenant_id, id),
  CONSTRAINT object_properties_name_key UNIQUE (tenant_id, object_type_id, name),
  CONSTRAINT object_properties_object_type_fkey FOREIGN KEY (tenant_id, object_type_id)
    REFERENCES object_types (tenant_id, id) ON DELETE CASCADE
);

CREATE TABLE link_types (
  tenant_id uuid NOT NULL,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  name text NOT NULL CONSTRAINT link_types_name_check CHECK (name ~ '^[A-Za-z][A-Za-z0-9_]{0,99}$'),
  from_object_type_id uuid NOT NULL,
  to_object_type_id uuid NOT NULL,
  -- Read from the "from" side: MANY_TO_ONE means many "from" objects may point at the same
  -- "to" object but each "from" object has at most one such link. Processors enforce it when
  -- they upsert links; the table cannot express it without triggers.
  cardinality text NOT NULL CONSTRAINT link_types_cardinality_check
    CHECK (cardinality IN ('ONE_TO_ONE', 'ONE_TO_MANY', 'MANY_TO_ONE', 'MANY_TO_MANY')),
  description text NOT NULL DEFAULT '',
  version bigint NOT NULL DEFAULT 1 CONSTRAINT link_types_version_check CHECK (version >= 1),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT link_types_pkey PRIMARY KEY (tenant_id, id),
  CONSTRAINT link_types_name_key UNIQUE (tenant_id, name),
  -- Target of links' foreign key: a link must join objects of the types its link type names.
  CONSTRAINT link_types_endpoints_key UNIQUE (tenant_id, id, from_object_type_id, to_object_type_id),
  CONSTRAINT link_types_from_object_type_fkey FOREIGN KEY (tenant_id, from_object_type_id)
    REFERENCES object_types (tenant_id, id),
  CONSTRAINT link_types_to_object_type_fkey FOREIGN KEY (tenant_id, to_object_type_id)
    REFERENCES object_types (tenant_id, id)
);

-- Foreign-key columns get indexes so that deleting a referenced row does not scan.
CREATE INDEX link_types_from_object_type_idx ON link_types (tenant_id, from_object_type_id);
CREATE INDEX link_types_to_object_type_idx ON link_types (tenant_id, to_object_type_id);
