// A proposal as the governance processor holds it while deciding (one row of action_proposals).
import type { ActionState } from './action-states.ts';
import type { BlastRadius } from './blast-radius.ts';
import type { Effect } from './simulate.ts';

export interface ObjectRef {
  readonly objectType: string;
  readonly objectId: string;
}

export interface Simulation {
  readonly affected: readonly { objectType: string; objectId: string; version: number }[];
  readonly diff: unknown;
  /** What execution applies (simulate.ts's edits) and requests (external effects). */
  readonly edits: readonly unknown[];
  readonly external: readonly { system: string; operation: string; description?: string }[];
}

export interface Proposal {
  readonly tenantId: string;
  readonly proposalId: string;
  readonly idempotencyKey: string;
  readonly actionType: string;
  readonly actionTypeVersion: number;
  readonly parameters: Record<string, unknown>;
  readonly targets: readonly ObjectRef[];
  readonly proposedBy: string;
  readonly rationale: string;
  readonly state: ActionState;
  readonly blastRadius: BlastRadius | null;
  readonly simulation: Simulation | null;
  readonly bindingHash: string | null;
  readonly expiresAt: number | null;
  readonly executionId: string | null;
  readonly version: number;
}

export interface Tool {
  readonly name: string;
  readonly version: number;
  readonly parameterSchema: Record<string, unknown>;
  readonly effects: { targets: { objectType: string }[]; effects: Effect[] };
  readonly effectKind: 'ONTOLOGY_EDIT' | 'EXTERNAL' | 'BOTH';
  readonly baseRisk: BlastRadius;
  readonly irreversible: boolean;
}
