// The binding hash (ARCHITECTURE §6) depends on what was proposed, simulated and classified,
// never on how the JSON happened to be spelled.
import fc from 'fast-check';
import t from 'tap';
import { bindingDocument, bindingHash } from '../../processors/governance/binding-hash.ts';
import type { BindingPayload } from '../../processors/governance/binding-hash.ts';

const base: BindingPayload = {
  tenantId: '0c6e2f8a-6f3d-4d4b-9a57-2f1c1d3e4a5b',
  proposalId: '6f1d1f0e-2b7a-4d38-9c55-0a9e3c1f2b44',
  actionType: 'pump.set_status',
  actionTypeVersion: 3,
  parameters: { status: 'OFFLINE', reason: { code: 7, notes: ['maintenance', 'valve'] }, flowLimit: 12.5 },
  targets: [
    { objectType: 'Pump', objectId: 'pump-1' },
    { objectType: 'Station', objectId: 'station-9' },
  ],
  simulation: {
    affected: [
      { objectType: 'Pump', objectId: 'pump-1', version: 4 },
      { objectType: 'Station', objectId: 'station-9', version: 12 },
    ],
    diff: { 'Pump/pump-1': { status: { before: 'ONLINE', after: 'OFFLINE' } } },
  },
  blastRadius: 'MEDIUM',
  expiresAt: new Date(Date.UTC(2030, 0, 2, 3, 4, 5, 678)).toISOString(),
};
const baseHash = bindingHash(base);

function clone<T>(value: T): T {
  return structuredClone(value) as T;
}

// Rebuilds every object with its keys in reverse order, at every depth.
function reverseKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reverseKeys);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).reverse().map(([k, v]) => [k, reverseKeys(v)]));
  }
  return value;
}

t.test('the hash is lowercase hex SHA-256 of the canonical document of exactly the bound fields', async (t) => {
  t.match(baseHash, /^[0-9a-f]{64}$/);
  t.same(Object.keys(bindingDocument(base)).sort(), [
    'actionType', 'actionTypeVersion', 'blastRadius', 'expiresAt', 'parameters', 'proposalId', 'simulation', 'targets', 'tenantId',
  ]);
  // Fields that are not bound (a row's state, an extra property on a target) do not count.
  const extra = { ...clone(base), state: 'PENDING_APPROVAL', targets: base.targets.map((x) => ({ ...x, objectTypeId: 'x' })) };
  t.equal(bindingHash(extra as BindingPayload), baseHash);
});

t.test('reordering keys at every level leaves the hash unchanged', async (t) => {
  t.equal(bindingHash(reverseKeys(base) as BindingPayload), baseHash);
});

t.test('respelling numbers (1.0 vs 1, 1e2 vs 100, 12.50 vs 1.25e1) leaves the hash unchanged', async (t) => {
  const spelled = (version: string, limit: string, code: string) =>
    JSON.parse(
      `{"tenantId":"${base.tenantId}","proposalId":"${base.proposalId}","actionType":"pump.set_status","actionTypeVersion":${version},` +
        `"parameters":{"status":"OFFLINE","reason":{"code":${code},"notes":["maintenance","valve"]},"flowLimit":${limit}},` +
        `"targets":[{"objectType":"Pump","objectId":"pump-1"},{"objectType":"Station","objectId":"station-9"}],` +
        `"simulation":{"affected":[{"objectType":"Pump","objectId":"pump-1","version":4.0},{"objectType":"Station","objectId":"station-9","version":1.2e1}],` +
        `"diff":{"Pump/pump-1":{"status":{"before":"ONLINE","after":"OFFLINE"}}}},"blastRadius":"MEDIUM","expiresAt":"${base.expiresAt}"}`,
    ) as BindingPayload;
  t.equal(bindingHash(spelled('3', '12.5', '7')), baseHash);
  t.equal(bindingHash(spelled('3.0', '12.50', '7e0')), baseHash);
  t.equal(bindingHash(spelled('0.3e1', '1.25e1', '70e-1')), baseHash);
  const hundred = (text: string) => bindingHash({ ...base, parameters: JSON.parse(`{"n":${text}}`) as Record<string, unknown> });
  t.equal(hundred('1e2'), hundred('100'));
  t.equal(hundred('1.0'), hundred('1'));
});

t.test('changing anything that is bound changes the hash', async (t) => {
  const variants: [string, (p: BindingPayload) => BindingPayload][] = [
    ['tenantId', (p) => ({ ...p, tenantId: '1c6e2f8a-6f3d-4d4b-9a57-2f1c1d3e4a5b' })],
    ['proposalId', (p) => ({ ...p, proposalId: '7f1d1f0e-2b7a-4d38-9c55-0a9e3c1f2b44' })],
    ['actionType', (p) => ({ ...p, actionType: 'pump.delete' })],
    ['actionTypeVersion', (p) => ({ ...p, actionTypeVersion: 4 })],
    ['a top-level parameter', (p) => ({ ...p, parameters: { ...p.parameters, status: 'ONLINE' } })],
    ['a nested parameter', (p) => ({ ...p, parameters: { ...p.parameters, reason: { code: 8, notes: ['maintenance', 'valve'] } } })],
    ['the order of an array parameter', (p) => ({ ...p, parameters: { ...p.parameters, reason: { code: 7, notes: ['valve', 'maintenance'] } } })],
    ['an added parameter', (p) => ({ ...p, parameters: { ...p.parameters, force: true } })],
    ['a number parameter', (p) => ({ ...p, parameters: { ...p.parameters, flowLimit: 12.500001 } })],
    ['a target id', (p) => ({ ...p, targets: [{ objectType: 'Pump', objectId: 'pump-2' }, p.targets[1]!] })],
    ['a target type', (p) => ({ ...p, targets: [p.targets[0]!, { objectType: 'Site', objectId: 'station-9' }] })],
    ['the target order', (p) => ({ ...p, targets: [p.targets[1]!, p.targets[0]!] })],
    ['a dropped target', (p) => ({ ...p, targets: [p.targets[0]!] })],
    ['a simulated version', (p) => ({ ...p, simulation: { ...p.simulation, affected: [p.simulation.affected[0]!, { ...p.simulation.affected[1]!, version: 13 }] } })],
    ['an affected object', (p) => ({ ...p, simulation: { ...p.simulation, affected: [{ ...p.simulation.affected[0]!, objectId: 'pump-3' }, p.simulation.affected[1]!] } })],
    ['the diff', (p) => ({ ...p, simulation: { ...p.simulation, diff: { 'Pump/pump-1': { status: { before: 'ONLINE', after: 'RETIRED' } } } } })],
    ['the blast radius', (p) => ({ ...p, blastRadius: 'HIGH' })],
    ['expiresAt (one millisecond)', (p) => ({ ...p, expiresAt: new Date(Date.parse(p.expiresAt) + 1).toISOString() })],
  ];
  const seen = new Set([baseHash]);
  for (const [what, change] of variants) {
    const hash = bindingHash(change(clone(base)));
    t.not(hash, baseHash, what);
    seen.add(hash);
  }
  t.equal(seen.size, variants.length + 1, 'every variant has its own hash');
});

t.test('payloads that would make the hash ambiguous are refused', async (t) => {
  t.throws(() => bindingHash({ ...base, expiresAt: '2030-01-02T03:04:05Z' }), { name: 'TypeError', message: /expiresAt/ });
  t.throws(() => bindingHash({ ...base, expiresAt: '2030-01-02T04:04:05.678+01:00' }), { name: 'TypeError', message: /expiresAt/ });
  t.throws(() => bindingHash({ ...base, expiresAt: '2030-02-30T00:00:00.000Z' }), { name: 'TypeError', message: /expiresAt/ });
  t.throws(() => bindingHash({ ...base, actionTypeVersion: '3' as unknown as number }), { name: 'TypeError', message: /actionTypeVersion/ });
  t.throws(
    () => bindingHash({ ...base, simulation: { ...base.simulation, affected: [{ objectType: 'Pump', objectId: 'pump-1', version: 2 ** 53 }] } }),
    { name: 'TypeError', message: /simulation\.affected\[0\]\.version/ },
  );
  t.throws(() => bindingHash({ ...base, blastRadius: 'SEVERE' as 'HIGH' }), { name: 'TypeError', message: /blastRadius/ });
  t.throws(() => bindingHash({ ...base, parameters: { limit: Number.NaN } }), { name: 'TypeError', message: /parameters\.limit is NaN/ });
});

// Deeply rebuilds objects with their keys in a random order chosen by fast-check.
function shuffleKeys(value: unknown, order: () => number): unknown {
  if (Array.isArray(value)) return value.map((v) => shuffleKeys(v, order));
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).map(([k, v]) => [k, shuffleKeys(v, order)] as const);
    for (let i = entries.length - 1; i > 0; i--) {
      const j = order() % (i + 1);
      [entries[i], entries[j]] = [entries[j]!, entries[i]!];
    }
    return Object.fromEntries(entries);
  }
  return value;
}

const id = fc.string({ minLength: 1, maxLength: 12 });
const payloadArbitrary: fc.Arbitrary<BindingPayload> = fc.record({
  tenantId: fc.uuid(),
  proposalId: fc.uuid(),
  actionType: id,
  actionTypeVersion: fc.integer({ min: 1, max: 1_000_000 }),
  parameters: fc.dictionary(fc.string(), fc.jsonValue()),
  targets: fc.array(fc.record({ objectType: id, objectId: id }), { maxLength: 4 }),
  simulation: fc.record({
    affected: fc.array(fc.record({ objectType: id, objectId: id, version: fc.maxSafeNat() }), { maxLength: 4 }),
    diff: fc.jsonValue(),
  }),
  blastRadius: fc.constantFrom('LOW', 'MEDIUM', 'HIGH', 'CRITICAL'),
  expiresAt: fc.integer({ min: 0, max: Date.UTC(9999, 11, 31) }).map((ms) => new Date(ms).toISOString()),
});

t.test('property: the hash of a payload equals the hash of the payload with its keys shuffled at every depth', async (t) => {
  fc.assert(
    fc.property(payloadArbitrary, fc.infiniteStream(fc.nat()), (payload, stream) => {
      const order = stream[Symbol.iterator]();
      const shuffled = shuffleKeys(payload, () => order.next().value as number) as BindingPayload;
      return bindingHash(shuffled) === bindingHash(payload);
    }),
    { numRuns: 300 },
  );
  t.pass('300 random payloads');
});
