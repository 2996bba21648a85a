-- Up Migration

-- Tenant isolation (ARCHITECTURE §3). Every request runs in a transaction that has done
-- `SELECT set_config('app.tenant_id', <tenant>, true)`; every row outside that tenant is then
-- invisible and unwritable, even to a query that forgets its WHERE clause.
-- * current_setting(..., true) is NULL when the setting was never defined in the session and
--   '' after a transaction-local set has ended; NULLIF maps both to NULL, and
--   `tenant_id = NULL` matches no row: an unset tenant sees nothing.
-- * FORCE applies the policies to the table owner too, so nothing but a superuser or a
--   BYPASSRLS role (which the application roles are not) reads across tenants.
-- * The same expression is the WITH CHECK: a row written must belong to the current tenant.

ALTER TABLE tenants ENABLE ROW LEVEL SECURITY;
ALTER TABLE tenants FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON tenants
  USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
  WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

ALTER TABLE object_types ENABLE ROW LEVEL SECURITY;
ALTER TABLE object_types FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON object_types
  USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
  WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

ALTER TABLE object_properties ENABLE ROW LEVEL SECURITY;
ALTER TABLE object_properties FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON object_properties
  USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
  WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

ALTER TABLE link_types ENABLE ROW LEVEL SECURITY;
ALTER TABLE link_types FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON link_types
  USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
  WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

ALTER TABLE objects ENABLE ROW LEVEL SECURITY;
ALTER TABLE objects FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON objects
  USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
  WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

ALTER TABLE links ENABLE ROW LEVEL SECURITY;
ALTER TABLE links FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON links
  USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
  WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

ALTER TABLE tool_catalog ENABLE ROW LEVEL SECURITY;
ALTER TABLE tool_catalog FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON tool_catalog
  USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
  WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

ALTER TABLE action_proposals ENABLE ROW LEVEL SECURITY;
ALTER TABLE action_proposals FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON action_proposals
  USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
  WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

ALTER TABLE action_approvals ENABLE ROW LEVEL SECURITY;
ALTER TABLE action_approvals FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON action_approvals
  USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
  WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

ALTER TABLE audit_events ENABLE ROW LEVEL SECURITY;
ALTER TABLE audit_events FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON audit_events
  USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
  WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

ALTER TABLE outbox ENABLE ROW LEVEL SECURITY;
ALTER TABLE outbox FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON outbox
  USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
  WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

-- The outbox relay is the one reader that must cross tenants: it publishes every tenant's
-- rows in id order. It runs as l3_processor with `SET LOCAL app.outbox_relay = 'on'` and
-- may then read all rows, set published_at (the only column it may update, see the grants)
-- and delete published rows; it can never insert in that mode. Policies of the same command
-- are OR-ed, so these widen only the relay's session, and only on this table.
CREATE POLICY outbox_relay_select ON outbox FOR SELECT TO l3_processor
  USING (current_setting('app.outbox_relay', true) = 'on');
CREATE POLICY outbox_relay_update ON outbox FOR UPDATE TO l3_processor
  USING (current_setting('app.outbox_relay', true) = 'on')
  WITH CHECK (current_setting('app.outbox_relay', true) = 'on');
CREATE POLICY outbox_relay_delete ON outbox FOR DELETE TO l3_processor
  USING (current_setting('app.outbox_relay', true) = 'on');

-- consumer_offsets has no tenant and no RLS: only the processors, which own the Kafka
-- consumption, can touch it at all (no grant to l3_gateway).

-- l3_gateway reads (single-writer rule, §1): SELECT only, never the outbox or the offsets,
-- which are plumbing, not truth.
GRANT SELECT ON tenants, object_types, object_properties, link_types, objects, links,
  tool_catalog, action_proposals, action_approvals, audit_events TO l3_gateway;

-- l3_processor writes.
GRANT SELECT, INSERT, UPDATE, DELETE ON tenants, object_types, object_properties, link_types,
  objects, links, tool_catalog, action_proposals, action_approvals, consumer_offsets TO l3_processor;
-- The audit chain is append-only: rewriting history is what the chain exists to detect, so
-- the writer is not even given the means (a deliberate tampering test connects as l3_owner
-- with the tenant set, or as a superuser).
GRANT SELECT, INSERT ON audit_events TO l3_processor;
-- Outbox rows are immutable facts; the relay only marks them published and prunes them.
GRANT SELECT, INSERT, DELETE ON outbox TO l3_processor;
GRANT UPDATE (published_at) ON outbox TO l3_processor;
GRANT USAGE ON SEQUENCE outbox_id_seq TO l3_processor;
