-- Up Migration

-- Action types agents may propose (ARCHITECTURE §6). A published version is immutable: a
-- change is a new row with the next version, so a proposal and its binding hash always
-- refer to exactly one definition.
CREATE TABLE tool_catalog (
  tenant_id uuid NOT NULL REFERENCES tenants (tenant_id),
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  -- Also the MCP tool name, hence MCP's character set.
  name text NOT NULL CONSTRAINT tool_catalog_name_check CHECK (name ~ '^[A-Za-z][A-Za-z0-9_.-]{0,127}$'),
  version integer NOT NULL CONSTRAINT tool_catalog_version_check CHECK (version >= 1),
  description text NOT NULL DEFAULT '',
  -- JSON Schema of ActionProposed.parameters.
  parameter_schema jsonb NOT NULL
    CONSTRAINT tool_catalog_parameter_schema_check CHECK (jsonb_typeof(parameter_schema) = 'object'),
  -- The ontology edits and external effects the action performs, one entry per effect;
  -- the simulator and the blast-radius rules read them.
  effects jsonb NOT NULL DEFAULT '[]'::jsonb
    CONSTRAINT tool_catalog_effects_check CHECK (jsonb_typeof(effects) = 'array'),
  -- ONTOLOGY: only ontology edits, applied by L3 in one transaction.
  -- EXTERNAL: also requests a reversible side effect on l3.actions.execution-requests.v1.
  -- EXTERNAL_IRREVERSIBLE: as EXTERNAL, but the effect cannot be undone (raises blast radius).
  effect_kind text NOT NULL CONSTRAINT tool_catalog_effect_kind_check
    CHECK (effect_kind IN ('ONTOLOGY', 'EXTERNAL', 'EXTERNAL_IRREVERSIBLE')),
  base_risk text NOT NULL CONSTRAINT tool_catalog_base_risk_check
    CHECK (base_risk IN ('LOW', 'MEDIUM', 'HIGH', 'CRITICAL')),
  created_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT tool_catalog_pkey PRIMARY KEY (tenant_id, id),
  CONSTRAINT tool_catalog_name_version_key UNIQUE (tenant_id, name, version)
);

CREATE TABLE action_proposals (
  tenant_id uuid NOT NULL,
  proposal_id uuid NOT NULL DEFAULT gen_random_uuid(),
  -- ActionProposed.idempotencyKey: a retried proposal maps onto the same row.
  idempotency_key text NOT NULL
    CONSTRAINT action_proposals_idempotency_key_check CHECK (length(idempotency_key) BETWEEN 1 AND 256),
  action_type text NOT NULL,
  action_type_version integer NOT NULL,
  parameters jsonb NOT NULL DEFAULT '{}'::jsonb
    CONSTRAINT action_proposals_parameters_check CHECK (jsonb_typeof(parameters) = 'object'),
  -- [{objectType, objectId}, ...]
  targets jsonb NOT NULL DEFAULT '[]'::jsonb
    CONSTRAINT action_proposals_targets_check CHECK (jsonb_typeof(targets) = 'array'),
  proposed_by text NOT NULL CONSTRAINT action_proposals_proposed_by_check CHECK (length(proposed_by) >= 1),
  rationale text NOT NULL DEFAULT '',
  state text NOT NULL DEFAULT 'PROPOSED' CONSTRAINT action_proposals_state_check
    CHECK (state IN ('PROPOSED', 'SIMULATED', 'PENDING_APPROVAL', 'APPROVED', 'EXECUTING', 'EXECUTED',
                     'FAILED', 'REJECTED', 'CANCELLED', 'EXPIRED', 'STALE')),
  -- Why the proposal is in its state when that is not obvious (simulation error, reason of
  -- a rejection, which object version moved).
  state_reason text,
  -- The three results of simulation, all present or all absent.
  blast_radius text CONSTRAINT action_proposals_blast_radius_check
    CHECK (blast_radius IN ('LOW', 'MEDIUM', 'HIGH', 'CRITICAL')),
  -- {affected: [{objectType, objectId, version}], diff}
  simulation jsonb CONSTRAINT action_proposals_simulation_check CHECK (jsonb_typeof(simulation) = 'object'),
  -- sha256 hex of the JCS of the bound fields (§6), lower case as produced by node:crypto.
  binding_hash char(64) CONSTRAINT action_proposals_binding_hash_check CHECK (binding_hash ~ '^[0-9a-f]{64}$'),
  expires_at timestamptz,
  version bigint NOT NULL DEFAULT 1 CONSTRAINT action_proposals_version_check CHECK (version >= 1),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT action_proposals_pkey PRIMARY KEY (tenant_id, proposal_id),
  CONSTRAINT action_proposals_idempotency_key_key UNIQUE (tenant_id, idempotency_key),
  -- A proposal always names an action type version that exists in its own tenant.
  CONSTRAINT action_proposals_action_type_fkey FOREIGN KEY (tenant_id, action_type, action_type_version)
    REFERENCES tool_catalog (tenant_id, name, version),
  CONSTRAINT action_proposals_simulation_complete_check
    CHECK (num_nulls(blast_radius, simulation, binding_hash) IN (0, 3)),
  -- expiresAt is one of the fields the binding hash covers.
  CONSTRAINT action_proposals_binding_expiry_check CHECK (binding_hash IS NULL OR expires_at IS NOT NULL),
  -- Every state on the path from SIMULATED to EXECUTED has been simulated; the terminal
  -- states FAILED, REJECTED, CANCELLED and EXPIRED can also be reached before simulation.
  -- STALE is only decided at execution, after approval, hence after simulation.
  CONSTRAINT action_proposals_simulated_state_check
    CHECK (state IN ('PROPOSED', 'FAILED', 'REJECTED', 'CANCELLED', 'EXPIRED') OR binding_hash IS NOT NULL)
);

CREATE INDEX action_proposals_state_idx ON action_proposals (tenant_id, state);
CREATE INDEX action_proposals_action_type_idx ON action_proposals (tenant_id, action_type, action_type_version);

-- An approval counts only while it carries the proposal's current binding hash and has not
-- expired; whoever counts approvals compares both. One row per approver: approving again
-- (after a re-simulation changed the hash) replaces the earlier approval.
CREATE TABLE action_approvals (
  tenant_id uuid NOT NULL,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  proposal_id uuid NOT NULL,
  approver text NOT NULL CONSTRAINT action_approvals_approver_check CHECK (length(approver) >= 1),
  -- The approver's roles at decision time (JWT `roles`), e.g. the admin role CRITICAL needs.
  roles text[] NOT NULL DEFAULT '{}',
  binding_hash char(64) NOT NULL CONSTRAINT action_approvals_binding_hash_check CHECK (binding_hash ~ '^[0-9a-f]{64}$'),
  reason text NOT NULL DEFAULT '',
  decided_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  CONSTRAINT action_approvals_pkey PRIMARY KEY (tenant_id, id),
  CONSTRAINT action_approvals_approver_key UNIQUE (tenant_id, proposal_id, approver),
  CONSTRAINT action_approvals_proposal_fkey FOREIGN KEY (tenant_id, proposal_id)
    REFERENCES action_proposals (tenant_id, proposal_id),
  CONSTRAINT action_approvals_expiry_check CHECK (expires_at > decided_at)
);
