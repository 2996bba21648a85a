// Blast radius rules (ARCHITECTURE §6): the base risk raised by scope, deletes, sensitive data and
// external effects, never above CRITICAL, with one reason per raise.
import fc from 'fast-check';
import t from 'tap';
import { BlastRadiusSymbols } from '../../contracts/generated/type-def-change.ts';
import { BLAST_RADII, classifyBlastRadius, compareBlastRadius, LARGE_SCOPE_OBJECTS, MASS_SCOPE_OBJECTS } from '../../processors/governance/blast-radius.ts';
import type { BlastRadius, BlastRadiusInput } from '../../processors/governance/blast-radius.ts';

const plain: BlastRadiusInput = { baseRisk: 'LOW', affectedObjects: 1, deletes: 0, sensitivePropertiesTouched: false, externalEffect: false, irreversible: false };
const classify = (overrides: Partial<BlastRadiusInput>) => classifyBlastRadius({ ...plain, ...overrides });

t.test('the radii are the contract enum, least harmful first', async (t) => {
  t.same([...BLAST_RADII], [...BlastRadiusSymbols]);
  t.ok(compareBlastRadius('LOW', 'CRITICAL') < 0);
  t.equal(compareBlastRadius('HIGH', 'HIGH'), 0);
});

t.test('without aggravating factors the radius is the base risk, with no reasons', async (t) => {
  for (const baseRisk of BLAST_RADII) t.same(classify({ baseRisk }), { radius: baseRisk, reasons: [] });
});

t.test('many affected objects raise one level, very many two', async (t) => {
  t.equal(classify({ affectedObjects: LARGE_SCOPE_OBJECTS }).radius, 'LOW', `${LARGE_SCOPE_OBJECTS} objects is not yet many`);
  t.same(classify({ affectedObjects: LARGE_SCOPE_OBJECTS + 1 }), { radius: 'MEDIUM', reasons: ['11 affected objects (more than 10): LOW -> MEDIUM'] });
  t.equal(classify({ affectedObjects: MASS_SCOPE_OBJECTS }).radius, 'MEDIUM');
  t.same(classify({ affectedObjects: MASS_SCOPE_OBJECTS + 1 }), { radius: 'HIGH', reasons: ['101 affected objects (more than 100): LOW -> HIGH'] });
});

t.test('a delete raises one level, however many objects it deletes', async (t) => {
  t.same(classify({ deletes: 1 }), { radius: 'MEDIUM', reasons: ['1 delete: LOW -> MEDIUM'] });
  t.same(classify({ baseRisk: 'MEDIUM', deletes: 7 }), { radius: 'HIGH', reasons: ['7 deletes: MEDIUM -> HIGH'] });
});

t.test('sensitive properties raise one level', async (t) => {
  t.same(classify({ baseRisk: 'MEDIUM', sensitivePropertiesTouched: true }), { radius: 'HIGH', reasons: ['sensitive properties touched: MEDIUM -> HIGH'] });
});

t.test('an external effect is at least MEDIUM; an irreversible one at least HIGH', async (t) => {
  t.same(classify({ externalEffect: true }), { radius: 'MEDIUM', reasons: ['external effect: LOW -> MEDIUM'] });
  t.same(classify({ baseRisk: 'HIGH', externalEffect: true }), { radius: 'HIGH', reasons: [] }, 'a floor below the level changes nothing');
  t.same(classify({ externalEffect: true, irreversible: true }), {
    radius: 'HIGH',
    reasons: ['external effect: LOW -> MEDIUM', 'irreversible effect: MEDIUM -> HIGH'],
  });
  t.same(classify({ baseRisk: 'CRITICAL', externalEffect: true, irreversible: true }), { radius: 'CRITICAL', reasons: [] }, 'shutdown_site stays CRITICAL');
});

t.test('raises add up and stop at CRITICAL', async (t) => {
  t.same(classify({ affectedObjects: 500, deletes: 500, sensitivePropertiesTouched: true }), {
    radius: 'CRITICAL',
    reasons: ['500 affected objects (more than 100): LOW -> HIGH', '500 deletes: HIGH -> CRITICAL'],
  });
  t.same(classify({ baseRisk: 'HIGH', affectedObjects: 150 }), { radius: 'CRITICAL', reasons: ['150 affected objects (more than 100): HIGH -> CRITICAL'] });
  t.same(classify({ baseRisk: 'CRITICAL', deletes: 1, sensitivePropertiesTouched: true }), { radius: 'CRITICAL', reasons: [] });
});

t.test('the demo tools get the radius their risk calls for', async (t) => {
  t.equal(classify({ baseRisk: 'LOW', affectedObjects: 1 }).radius, 'LOW', 'set_pump_status');
  t.equal(classify({ baseRisk: 'MEDIUM', affectedObjects: 2 }).radius, 'MEDIUM', 'schedule_maintenance');
  t.equal(classify({ baseRisk: 'HIGH', affectedObjects: 2, externalEffect: true }).radius, 'HIGH', 'dispatch_technician');
});

t.test('properties: monotone, bounded, and every raise explained', async (t) => {
  const input = fc.record({
    baseRisk: fc.constantFrom<BlastRadius>(...BLAST_RADII),
    affectedObjects: fc.nat({ max: 1000 }),
    deletes: fc.nat({ max: 50 }),
    sensitivePropertiesTouched: fc.boolean(),
    externalEffect: fc.boolean(),
    irreversible: fc.boolean(),
  });
  fc.assert(
    fc.property(input, (i) => {
      const { radius, reasons } = classifyBlastRadius(i);
      // Never below the base risk, and exactly as many levels above it as the reasons say.
      const raised = reasons.reduce((level, reason) => {
        const [from, to] = reason.slice(reason.lastIndexOf(': ') + 2).split(' -> ') as [BlastRadius, BlastRadius];
        if (from !== BLAST_RADII[level]) throw new Error(`reason ${reason} does not start where the previous ended`);
        return BLAST_RADII.indexOf(to);
      }, BLAST_RADII.indexOf(i.baseRisk));
      if (BLAST_RADII[raised] !== radius || compareBlastRadius(radius, i.baseRisk) < 0) return false;
      // Adding an aggravating factor never lowers the radius.
      const worse = classifyBlastRadius({ ...i, deletes: i.deletes + 1, sensitivePropertiesTouched: true }).radius;
      return compareBlastRadius(worse, radius) >= 0;
    }),
    { numRuns: 1000 },
  );
  t.pass('held for every generated input');
});

t.test('an unknown base risk is a programming error', async (t) => {
  t.throws(() => classify({ baseRisk: 'SEVERE' as BlastRadius }), TypeError);
});
