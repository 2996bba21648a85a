-- Up Migration

-- pgvector is not a trusted extension, so cli/provision-database.ts creates it as superuser
-- before this runs; here it is a no-op that documents the dependency. (CREATE EXTENSION
-- IF NOT EXISTS returns before any privilege check when the extension is already there.)
-- pgcrypto is deliberately absent: gen_random_uuid() and sha256() are core since
-- PostgreSQL 13 and 11, and the embedded pgserver build does not ship contrib
-- (docs/adr/0001-postgres-schema.md).
CREATE EXTENSION IF NOT EXISTS vector;

-- The application roles are cluster-wide. Provisioning normally creates them as LOGIN roles
-- with passwords; this block only makes a bare database self-sufficient. Neither role may
-- bypass RLS and neither owns anything: ownership carries the right to disable RLS and drop
-- policies, so l3_owner (the role running migrations) owns every object.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'l3_gateway') THEN
    CREATE ROLE l3_gateway NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'l3_processor') THEN
    CREATE ROLE l3_processor NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
  END IF;
END
$$;

-- Nobody but the owner creates objects: a role that can create a table in public could
-- shadow one of ours or own an object outside the RLS design.
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO l3_gateway, l3_processor;
