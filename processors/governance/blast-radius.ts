// Blast radius of a simulated action (ARCHITECTURE §6): how much harm it could do if it were
// wrong, which the tenant policy turns into a number of approvals. The rules, applied in this
// order to a level that starts at the tool's base risk:
//
//   1. more than LARGE_SCOPE_OBJECTS (10) affected objects raises one level, more than
//      MASS_SCOPE_OBJECTS (100) two: a mistake repeated over many objects costs more to undo;
//   2. any delete raises one level: a deleted object drops out of every read at once;
//   3. any sensitive property set or created raises one level: personal or confidential data;
//   4. an external effect raises to at least MEDIUM: L3 cannot roll back another system;
//   5. an irreversible effect raises to at least HIGH: nobody can roll it back. The catalog only
//      allows `irreversible` on tools with external effects (examples/ontology/README.md), and
//      migrations/0007 has the flag raise the radius "whatever the kind", so rule 5 does not look
//      at externalEffect.
//
// The level never goes above CRITICAL. Every rule that changes the level adds one reason
// ("2 deletes: HIGH -> CRITICAL"); a rule that applies but changes nothing (already CRITICAL,
// already at least MEDIUM) adds none, so the reasons explain exactly the distance from the base
// risk to the result.
import type { BlastRadius as ContractBlastRadius } from '../../contracts/generated/type-def-change.ts';

/** Ordered from least to most harmful; a level is an index into this list. */
export const BLAST_RADII = ['LOW', 'MEDIUM', 'HIGH', 'CRITICAL'] as const satisfies readonly ContractBlastRadius[];

export type BlastRadius = (typeof BLAST_RADII)[number];

/** More affected objects than this raises the radius one level. */
export const LARGE_SCOPE_OBJECTS = 10;
/** More affected objects than this raises it two levels (instead of one). */
export const MASS_SCOPE_OBJECTS = 100;
/** The least radius of an action with an external effect. */
export const EXTERNAL_EFFECT_FLOOR: BlastRadius = 'MEDIUM';
/** The least radius of an action with an irreversible effect. */
export const IRREVERSIBLE_EFFECT_FLOOR: BlastRadius = 'HIGH';

export interface BlastRadiusInput {
  /** The tool's baseRisk. */
  readonly baseRisk: BlastRadius;
  /** Objects the simulation lists as affected. */
  readonly affectedObjects: number;
  /** Objects the action deletes. */
  readonly deletes: number;
  readonly sensitivePropertiesTouched: boolean;
  readonly externalEffect: boolean;
  /** The tool's `irreversible` flag. */
  readonly irreversible: boolean;
}

export interface BlastRadiusClassification {
  readonly radius: BlastRadius;
  /** One entry per rule that raised the level, in rule order, for the audit chain and the UI. */
  readonly reasons: string[];
}

export function classifyBlastRadius(input: BlastRadiusInput): BlastRadiusClassification {
  const top = BLAST_RADII.length - 1;
  let level = BLAST_RADII.indexOf(input.baseRisk);
  if (level < 0) throw new TypeError(`classifyBlastRadius: unknown baseRisk ${JSON.stringify(input.baseRisk)}`);
  const reasons: string[] = [];
  const raiseTo = (next: number, why: string): void => {
    const capped = Math.min(next, top);
    if (capped <= level) return;
    reasons.push(`${why}: ${BLAST_RADII[level]} -> ${BLAST_RADII[capped]}`);
    level = capped;
  };

  if (input.affectedObjects > MASS_SCOPE_OBJECTS) {
    raiseTo(level + 2, `${input.affectedObjects} affected objects (more than ${MASS_SCOPE_OBJECTS})`);
  } else if (input.affectedObjects > LARGE_SCOPE_OBJECTS) {
    raiseTo(level + 1, `${input.affectedObjects} affected objects (more than ${LARGE_SCOPE_OBJECTS})`);
  }
  if (input.deletes > 0) raiseTo(level + 1, input.deletes === 1 ? '1 delete' : `${input.deletes} deletes`);
  if (input.sensitivePropertiesTouched) raiseTo(level + 1, 'sensitive properties touched');
  if (input.externalEffect) raiseTo(BLAST_RADII.indexOf(EXTERNAL_EFFECT_FLOOR), 'external effect');
  if (input.irreversible) raiseTo(BLAST_RADII.indexOf(IRREVERSIBLE_EFFECT_FLOOR), 'irreversible effect');

  return { radius: BLAST_RADII[level]!, reasons };
}

/** Orders radii: negative when `a` is lower than `b`, 0 when equal. */
export function compareBlastRadius(a: BlastRadius, b: BlastRadius): number {
  return BLAST_RADII.indexOf(a) - BLAST_RADII.indexOf(b);
}
