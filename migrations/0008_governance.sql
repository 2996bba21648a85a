-- Up Migration

-- What the governance processor needs beyond the base schema.

-- The execution an external effect was requested under; an ActionResult must name it.
ALTER TABLE action_proposals ADD COLUMN execution_id uuid;
ALTER TABLE action_proposals ADD COLUMN proposal_event_id uuid;

-- The expiry sweep must find expired proposals of every tenant, and neither application role
-- may bypass RLS. As for the outbox relay (migration 0006), the processor may read proposals
-- across tenants only with `SET LOCAL app.expiry_sweep = 'on'`, and only their keys and expiry
-- matter there: every change is then made with app.tenant_id set to the proposal's tenant.
CREATE POLICY action_proposals_expiry_sweep ON action_proposals FOR SELECT TO l3_processor
  USING (current_setting('app.expiry_sweep', true) = 'on');

-- The sweep's query: non-terminal proposals by expiry.
CREATE INDEX action_proposals_open_expiry_idx ON action_proposals (expires_at)
  WHERE state IN ('PROPOSED', 'SIMULATED', 'PENDING_APPROVAL', 'APPROVED');
