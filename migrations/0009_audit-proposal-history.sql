-- Up Migration

-- A proposal's state history is read from its ACTION_TRANSITION audit events (the gateway's
-- Proposal.history); without this index that read scans every transition of the tenant.
CREATE INDEX audit_events_proposal_transitions_idx ON audit_events (tenant_id, (event->>'proposalId'), seq)
  WHERE event_type = 'ACTION_TRANSITION';
