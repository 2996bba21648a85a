// The dry run of ARCHITECTURE §6 on the demo tenant's real catalog: examples/ontology/demo.yaml
// converted exactly as the CLI publishes it (toTypeDefChanges), so the tools, types and property
// flags are the ones the governance processor reads from the tables the materializer fills.
import { readFileSync } from 'node:fs';
import t from 'tap';
import { parseOntology } from '../../ontology/parse-ontology.ts';
import { toTypeDefChanges } from '../../ontology/to-typedef-changes.ts';
import type { OntologyFile } from '../../ontology/ontology-file.ts';
import { classifyBlastRadius } from '../../processors/governance/blast-radius.ts';
import { canonicalJson } from '../../runtime/canonical-json.ts';
import { linkKey, objectKey, simulate } from '../../processors/governance/simulate.ts';
import type { Effect, ObjectRef, PropertyDefinitionWithSensitivity, SimulatedTool, SimulationResult, SimulationWorld, WorldObject } from '../../processors/governance/simulate.ts';

const demo = parseOntology(readFileSync(new URL('../../examples/ontology/demo.yaml', import.meta.url), 'utf8')).value as OntologyFile;
const changes = toTypeDefChanges(demo, { actor: 'test', occurredAt: 0 });
const defs = (properties: { name: string; dataType: string; required: boolean; sensitive: boolean }[]): PropertyDefinitionWithSensitivity[] =>
  properties.map((p) => ({ name: p.name, dataType: p.dataType as PropertyDefinitionWithSensitivity['dataType'], required: p.required, sensitive: p.sensitive }));
const types = new Map(changes.flatMap((c) => (c.objectType ? [[c.name, { properties: defs(c.objectType.properties) }] as const] : [])));
const linkTypes = new Map(changes.flatMap((c) => (c.linkType ? [[c.name, { fromType: c.linkType.fromType, toType: c.linkType.toType, cardinality: c.linkType.cardinality, properties: defs(c.linkType.properties) }] as const] : [])));
const tools = new Map(
  changes.flatMap((c) =>
    c.tool
      ? [[c.name, { name: c.name, version: c.version, effects: JSON.parse(c.tool.effects), effectKind: c.tool.effectKind, baseRisk: c.tool.baseRisk, irreversible: c.tool.irreversible } as SimulatedTool] as const]
      : [],
  ),
);
const tool = (name: string): SimulatedTool => tools.get(name)!;

// A hand-built tool over the demo types, for effects the demo catalog does not exercise.
const custom = (targets: string[], effects: Effect[], overrides: Partial<SimulatedTool> = {}): SimulatedTool => ({
  name: 'custom',
  version: 1,
  effects: { targets: targets.map((objectType) => ({ objectType })), effects },
  effectKind: 'ONTOLOGY_EDIT',
  baseRisk: 'LOW',
  irreversible: false,
  ...overrides,
});

const ref = (objectType: string, objectId: string): ObjectRef => ({ objectType, objectId });
const P1 = ref('Pump', 'P-1');
const P2 = ref('Pump', 'P-2');
const S1 = ref('Site', 'S-1');
const WO1 = ref('WorkOrder', 'WO-0001');
const T1 = ref('Technician', 'T-1');

function world(extra: { objects?: [ObjectRef, WorldObject][]; links?: string[] } = {}): SimulationWorld {
  const objects = new Map<string, WorldObject>([
    [objectKey(P1.objectType, P1.objectId), { version: 3, properties: { serialNumber: 'SN-1', status: 'running', tags: ['north'] }, deleted: false }],
    [objectKey(P2.objectType, P2.objectId), { version: 7, properties: { serialNumber: 'SN-2', status: 'stopped' }, deleted: false }],
    [objectKey(S1.objectType, S1.objectId), { version: 5, properties: { name: 'Riverside', status: 'operating', accessNotes: 'gate 4711' }, deleted: false }],
    [objectKey(WO1.objectType, WO1.objectId), { version: 2, properties: { title: 'Inspect', kind: 'inspection', priority: 3, status: 'scheduled' }, deleted: false }],
    [objectKey(T1.objectType, T1.objectId), { version: 1, properties: { name: 'Tess', email: 'tess@example.com', onCall: true }, deleted: false }],
    [objectKey('Pump', 'P-GONE'), { version: 9, properties: {}, deleted: true }],
    [objectKey('WorkOrder', 'WO-9999'), { version: 4, properties: {}, deleted: true }],
  ]);
  for (const [r, o] of extra.objects ?? []) objects.set(objectKey(r.objectType, r.objectId), o);
  return { objects, types, linkTypes, links: new Set([linkKey('installedAt', P1, S1), ...(extra.links ?? [])]) };
}

const ok = (result: SimulationResult) => {
  if (!result.ok) throw new Error(`expected a simulation, got ${result.code}: ${result.reason}`);
  return result;
};

t.test('the demo catalog is valid input: every demo tool converts', async (t) => {
  t.same([...tools.keys()], ['set_pump_status', 'schedule_maintenance', 'decommission_pump', 'dispatch_technician', 'shutdown_site']);
});

t.test('set_pump_status: one property of one pump', async (t) => {
  const result = ok(simulate(tool('set_pump_status'), { parameters: { status: 'stopped' }, targets: [P1] }, world()));
  t.same(result, {
    ok: true,
    affected: [{ objectType: 'Pump', objectId: 'P-1', version: 3 }],
    diff: [{ op: 'set_properties', objectType: 'Pump', objectId: 'P-1', changes: [{ property: 'status', before: 'running', after: 'stopped', sensitive: false }] }],
    edits: [{ kind: 'set_properties', objectType: 'Pump', objectId: 'P-1', properties: { status: 'stopped' } }],
    external: [],
    deletes: 0,
    sensitivePropertiesTouched: false,
  });
  t.same(classifyBlastRadius({ baseRisk: tool('set_pump_status').baseRisk, affectedObjects: result.affected.length, deletes: 0, sensitivePropertiesTouched: false, externalEffect: false, irreversible: false }).radius, 'LOW');
});

t.test('schedule_maintenance: creates a work order (version 0) and links it to the pump', async (t) => {
  const parameters = { workOrderId: 'WO-104233', title: 'Bearing check', kind: 'inspection', priority: 2, scheduledFor: '2026-03-01' };
  const result = ok(simulate(tool('schedule_maintenance'), { parameters, targets: [P1] }, world()));
  t.same(result.affected, [
    { objectType: 'Pump', objectId: 'P-1', version: 3 },
    { objectType: 'WorkOrder', objectId: 'WO-104233', version: 0 },
  ], 'sorted by type, then id; the new object at version 0');
  const properties = { title: 'Bearing check', kind: 'inspection', priority: 2, status: 'scheduled', scheduledFor: '2026-03-01' };
  t.same(result.edits, [
    { kind: 'create_object', objectType: 'WorkOrder', objectId: 'WO-104233', properties },
    { kind: 'create_link', linkType: 'targets', from: ref('WorkOrder', 'WO-104233'), to: P1, properties: {} },
  ]);
  t.same(result.diff, [
    {
      op: 'create_object',
      objectType: 'WorkOrder',
      objectId: 'WO-104233',
      changes: ['kind', 'priority', 'scheduledFor', 'status', 'title'].map((property) => ({ property, before: null, after: properties[property as keyof typeof properties], sensitive: false })),
    },
    { op: 'create_link', linkType: 'targets', from: ref('WorkOrder', 'WO-104233'), to: P1, changes: [] },
  ], 'property changes sorted by name');
  t.equal(result.deletes, 0);
});

t.test('creating an object over a tombstone is allowed, still at version 0', async (t) => {
  const parameters = { workOrderId: 'WO-9999', title: 'Again', kind: 'repair', priority: 1, scheduledFor: '2026-03-02' };
  const result = ok(simulate(tool('schedule_maintenance'), { parameters, targets: [P1] }, world()));
  t.same(result.affected.find((a) => a.objectId === 'WO-9999'), { objectType: 'WorkOrder', objectId: 'WO-9999', version: 0 });
});

t.test('decommission_pump: sets two properties and deletes the installedAt link', async (t) => {
  const reason = 'Cracked casing, beyond repair.';
  const result = ok(simulate(tool('decommission_pump'), { parameters: { reason }, targets: [P1, S1] }, world()));
  t.same(result.affected, [{ ...P1, version: 3 }, { ...S1, version: 5 }]);
  t.same(result.diff, [
    {
      op: 'set_properties',
      ...P1,
      changes: [
        { property: 'decommissionReason', before: null, after: reason, sensitive: false },
        { property: 'status', before: 'running', after: 'decommissioned', sensitive: false },
      ],
    },
    { op: 'delete_link', linkType: 'installedAt', from: P1, to: S1 },
  ]);
  t.same(result.edits.map((e) => e.kind), ['set_properties', 'delete_link']);
  t.equal(result.deletes, 0, 'deleting a link is not deleting an object');
});

t.test('dispatch_technician: a link with a property, a status, and an external effect', async (t) => {
  const result = ok(simulate(tool('dispatch_technician'), { parameters: { role: 'lead', message: 'Gate code in the app' }, targets: [WO1, T1] }, world()));
  t.same(result.affected, [{ ...T1, version: 1 }, { ...WO1, version: 2 }]);
  t.same(result.edits, [
    { kind: 'create_link', linkType: 'assignedTo', from: WO1, to: T1, properties: { role: 'lead' } },
    { kind: 'set_properties', ...WO1, properties: { status: 'dispatched' } },
  ]);
  const external = { system: 'field-service', operation: 'dispatch_job', description: "Pushes the job to the technician's device and pages them if on call." };
  t.same(result.external, [external]);
  t.same(result.diff.at(-1), { op: 'external', ...external });
  t.same(result.diff[0], { op: 'create_link', linkType: 'assignedTo', from: WO1, to: T1, changes: [{ property: 'role', before: null, after: 'lead', sensitive: false }] });
  t.equal(result.sensitivePropertiesTouched, false);
});

t.test('shutdown_site: only an external effect, and the site it is about is still affected', async (t) => {
  const result = ok(simulate(tool('shutdown_site'), { parameters: { reason: 'Flooding in the pump house', confirmSiteName: 'Riverside' }, targets: [S1] }, world()));
  t.same(result.affected, [{ ...S1, version: 5 }]);
  t.same(result.edits, []);
  t.same(result.external, [{ system: 'scada', operation: 'emergency_shutdown', description: 'Stops every pump at the site and closes the inlet valves.' }]);
  const { radius } = classifyBlastRadius({ baseRisk: 'CRITICAL', affectedObjects: 1, deletes: 0, sensitivePropertiesTouched: false, externalEffect: true, irreversible: true });
  t.equal(radius, 'CRITICAL');
});

t.test('TARGETS_MISMATCH: wrong number, wrong type, or the same object twice', async (t) => {
  t.same(simulate(tool('decommission_pump'), { parameters: { reason: 'x'.repeat(10) }, targets: [P1] }, world()), {
    ok: false,
    code: 'TARGETS_MISMATCH',
    reason: 'decommission_pump v1 takes 2 targets (Pump, Site); the proposal names 1',
  });
  t.same(simulate(tool('set_pump_status'), { parameters: { status: 'stopped' }, targets: [S1] }, world()), {
    ok: false,
    code: 'TARGETS_MISMATCH',
    reason: 'target 0 must be a Pump; the proposal names Site/S-1',
  });
  t.same(simulate(custom(['Pump', 'Pump'], [{ kind: 'set_properties', target: 'all', properties: { status: 'stopped' } }]), { parameters: {}, targets: [P1, P1] }, world()), {
    ok: false,
    code: 'TARGETS_MISMATCH',
    reason: 'target 1 repeats target 0 (Pump/P-1)',
  });
  t.match(simulate(custom(['Pump'], [{ kind: 'delete_object', target: 3 }]), { parameters: {}, targets: [P1] }, world()), { ok: false, code: 'TARGETS_MISMATCH', reason: /effect 0 \(delete_object\) refers to target 3/ });
});

t.test('TARGET_NOT_FOUND: a target that does not exist or was deleted', async (t) => {
  t.same(simulate(tool('set_pump_status'), { parameters: { status: 'stopped' }, targets: [ref('Pump', 'P-404')] }, world()), {
    ok: false,
    code: 'TARGET_NOT_FOUND',
    reason: 'target 0 Pump/P-404 does not exist',
  });
  t.same(simulate(tool('set_pump_status'), { parameters: { status: 'stopped' }, targets: [ref('Pump', 'P-GONE')] }, world()), {
    ok: false,
    code: 'TARGET_NOT_FOUND',
    reason: 'target 0 Pump/P-GONE was deleted',
  });
});

t.test('TARGET_NOT_FOUND: an object an earlier effect deleted, or a link end that is not there', async (t) => {
  const deleteThenSet = custom(['Pump'], [
    { kind: 'delete_object', target: 0 },
    { kind: 'set_properties', target: 0, properties: { status: 'stopped' } },
  ]);
  t.same(simulate(deleteThenSet, { parameters: {}, targets: [P1] }, world()), {
    ok: false,
    code: 'TARGET_NOT_FOUND',
    reason: 'effect 1 (set_properties): target Pump/P-1 was deleted by an earlier effect',
  });
  const linkToParam = custom(['Pump'], [{ kind: 'create_link', linkType: 'targets', from: { objectType: 'WorkOrder', objectId: '$params.workOrderId' }, to: 0 }]);
  t.same(simulate(linkToParam, { parameters: { workOrderId: 'WO-404' }, targets: [P1] }, world()), {
    ok: false,
    code: 'TARGET_NOT_FOUND',
    reason: 'effect 0 (create_link): link source WorkOrder/WO-404 does not exist',
  });
  const linked = ok(simulate(linkToParam, { parameters: { workOrderId: 'WO-0001' }, targets: [P1] }, world()));
  t.same(linked.affected, [{ ...P1, version: 3 }, { ...WO1, version: 2 }], 'an existing object named by a parameter is affected too');
});

t.test('INVALID_VALUE: values of the wrong data type, parameter or literal', async (t) => {
  const setPriority = custom(['WorkOrder'], [{ kind: 'set_properties', target: 0, properties: { priority: '$params.priority' } }]);
  t.same(simulate(setPriority, { parameters: { priority: 'urgent' }, targets: [WO1] }, world()), {
    ok: false,
    code: 'INVALID_VALUE',
    reason: 'effect 0 (set_properties) on WorkOrder/WO-0001: priority: expected INTEGER, got "urgent"',
  });
  const literal = custom(['Pump'], [{ kind: 'set_properties', target: 0, properties: { installedOn: '2026-02-30', tags: ['a', 1] } }]);
  t.match(simulate(literal, { parameters: {}, targets: [P1] }, world()), {
    ok: false,
    code: 'INVALID_VALUE',
    reason: /installedOn: expected DATE, got "2026-02-30"; tags: expected STRING_ARRAY, item 1 is 1/,
  });
});

t.test('INVALID_VALUE: clearing a required property, or one the type does not define', async (t) => {
  t.match(simulate(custom(['Pump'], [{ kind: 'set_properties', target: 0, properties: { status: null } }]), { parameters: {}, targets: [P1] }, world()), {
    code: 'INVALID_VALUE',
    reason: /status: required property is null/,
  });
  t.match(simulate(custom(['Pump'], [{ kind: 'set_properties', target: 0, properties: { colour: 'red' } }]), { parameters: {}, targets: [P1] }, world()), {
    code: 'INVALID_VALUE',
    reason: /colour: not defined by type Pump/,
  });
  const cleared = ok(simulate(custom(['Pump'], [{ kind: 'set_properties', target: 0, properties: { tags: null } }]), { parameters: {}, targets: [P1] }, world()));
  t.same(cleared.diff, [{ op: 'set_properties', ...P1, changes: [{ property: 'tags', before: ['north'], after: null, sensitive: false }] }], 'null clears an optional property');
});

t.test('INVALID_VALUE: a created object or link without a required property', async (t) => {
  const createWithoutTitle = custom([], [{ kind: 'create_object', objectType: 'WorkOrder', objectId: '$params.id', properties: { title: '$params.title', kind: 'repair', priority: 1, status: 'scheduled' } }]);
  t.same(simulate(createWithoutTitle, { parameters: { id: 'WO-2' }, targets: [] }, world()), {
    ok: false,
    code: 'INVALID_VALUE',
    reason: 'effect 0 (create_object) creating WorkOrder/WO-2: title: required property missing',
  }, 'an absent parameter sets nothing, so the required title is missing');
  const linkWithoutRole = custom(['WorkOrder', 'Technician'], [{ kind: 'create_link', linkType: 'assignedTo', from: 0, to: 1 }]);
  t.match(simulate(linkWithoutRole, { parameters: {}, targets: [WO1, T1] }, world()), { code: 'INVALID_VALUE', reason: /assignedTo link WorkOrder\/WO-0001 -> Technician\/T-1: role: required property missing/ });
});

t.test('INVALID_VALUE: an unknown type, a mismatched link, a bad object id', async (t) => {
  t.match(simulate(custom([], [{ kind: 'create_object', objectType: 'Valve', objectId: '$params.id' }]), { parameters: { id: 'V-1' }, targets: [] }, world()), {
    code: 'INVALID_VALUE',
    reason: 'effect 0 (create_object): object type Valve is not defined',
  });
  t.match(simulate(custom(['Pump', 'Site'], [{ kind: 'create_link', linkType: 'ownedBy', from: 0, to: 1 }]), { parameters: {}, targets: [P1, S1] }, world()), {
    code: 'INVALID_VALUE',
    reason: 'effect 0 (create_link): link type ownedBy goes from Site to Customer, not from Pump to Site',
  });
  t.match(simulate(custom([], [{ kind: 'create_link', linkType: 'flowsInto', from: 0, to: 0 }]), { parameters: {}, targets: [] }, world()), { code: 'INVALID_VALUE', reason: /link type flowsInto is not defined/ });
  for (const id of ['', 42, 'x'.repeat(513)]) {
    t.match(simulate(custom([], [{ kind: 'create_object', objectType: 'Site', objectId: '$params.id', properties: { name: 'n', status: 'operating' } }]), { parameters: { id }, targets: [] }, world()), {
      code: 'INVALID_VALUE',
      reason: /the object id \$params\.id must be a string of 1 to 512 characters/,
    }, `object id ${JSON.stringify(id).slice(0, 20)}`);
  }
  t.match(simulate(custom(['Pump'], [{ kind: 'set_properties', target: 0, properties: { status: '$params.not-a-name' } }]), { parameters: {}, targets: [P1] }, world()), {
    code: 'INVALID_VALUE',
    reason: /"\$params.not-a-name" is not a parameter reference/,
  });
});

t.test('OBJECT_EXISTS: creating an object that is live, in the world or from an earlier effect', async (t) => {
  const parameters = { workOrderId: 'WO-0001', title: 'Bearing check', kind: 'inspection', priority: 2, scheduledFor: '2026-03-01' };
  t.same(simulate(tool('schedule_maintenance'), { parameters, targets: [P1] }, world()), {
    ok: false,
    code: 'OBJECT_EXISTS',
    reason: 'effect 0 (create_object): WorkOrder/WO-0001 exists already',
  });
  const twice: Effect = { kind: 'create_object', objectType: 'Site', objectId: '$params.id', properties: { name: 'New', status: 'operating' } };
  t.match(simulate(custom([], [twice, twice]), { parameters: { id: 'S-9' }, targets: [] }, world()), { code: 'OBJECT_EXISTS', reason: /^effect 1 / });
});

t.test('LINK_EXISTS and LINK_NOT_FOUND, against the world and the earlier effects', async (t) => {
  const assigned = world({ links: [linkKey('assignedTo', WO1, T1)] });
  t.same(simulate(tool('dispatch_technician'), { parameters: { role: 'support' }, targets: [WO1, T1] }, assigned), {
    ok: false,
    code: 'LINK_EXISTS',
    reason: 'effect 0 (create_link): assignedTo link WorkOrder/WO-0001 -> Technician/T-1 exists already',
  });
  t.same(simulate(tool('decommission_pump'), { parameters: { reason: 'Worn out after 30 years.' }, targets: [P2, S1] }, world()), {
    ok: false,
    code: 'LINK_NOT_FOUND',
    reason: 'effect 1 (delete_link): there is no installedAt link Pump/P-2 -> Site/S-1',
  });
  const move = custom(['Pump', 'Site', 'Site'], [
    { kind: 'delete_link', linkType: 'installedAt', from: 0, to: 1 },
    { kind: 'create_link', linkType: 'installedAt', from: 0, to: 2, properties: { position: 'bay 1' } },
    { kind: 'create_link', linkType: 'installedAt', from: 0, to: 1 },
  ]);
  const S2 = ref('Site', 'S-2');
  const withS2 = world({ objects: [[S2, { version: 1, properties: { name: 'Hilltop', status: 'operating' }, deleted: false }]] });
  const moved = ok(simulate(move, { parameters: {}, targets: [P1, S1, S2] }, withS2));
  t.same(
    moved.edits.map((e) => (e.kind === 'create_link' || e.kind === 'delete_link' ? `${e.kind} ${e.to.objectId}` : e.kind)),
    ['delete_link S-1', 'create_link S-2', 'delete_link S-2', 'create_link S-1'],
    'a link deleted by an earlier effect may be created again; installedAt is many_to_one, so it takes the slot back from the link created before it',
  );
  const twice = custom(['Pump', 'Site'], [
    { kind: 'delete_link', linkType: 'installedAt', from: 0, to: 1 },
    { kind: 'delete_link', linkType: 'installedAt', from: 0, to: 1 },
  ]);
  t.match(simulate(twice, { parameters: {}, targets: [P1, S1] }, world()), { code: 'LINK_NOT_FOUND', reason: /^effect 1 / });
});

t.test('set_properties on "all" edits every target', async (t) => {
  const stopAll = custom(['Pump', 'Pump'], [{ kind: 'set_properties', target: 'all', properties: { status: '$params.status' } }]);
  const result = ok(simulate(stopAll, { parameters: { status: 'maintenance' }, targets: [P2, P1] }, world()));
  t.same(result.edits, [
    { kind: 'set_properties', ...P2, properties: { status: 'maintenance' } },
    { kind: 'set_properties', ...P1, properties: { status: 'maintenance' } },
  ], 'in target order');
  t.same(result.affected, [{ ...P1, version: 3 }, { ...P2, version: 7 }], 'affected sorted by id');
});

t.test('delete_object counts deletes and shows what is deleted', async (t) => {
  const retire = custom(['Pump', 'Pump'], [{ kind: 'delete_object', target: 'all' }]);
  const result = ok(simulate(retire, { parameters: {}, targets: [P1, P2] }, world()));
  t.equal(result.deletes, 2);
  t.same(result.edits, [{ kind: 'delete_object', ...P1 }, { kind: 'delete_object', ...P2 }]);
  t.same(result.diff[1], {
    op: 'delete_object',
    ...P2,
    changes: [
      { property: 'serialNumber', before: 'SN-2', after: null, sensitive: false },
      { property: 'status', before: 'stopped', after: null, sensitive: false },
    ],
  });
  t.equal(classifyBlastRadius({ baseRisk: 'LOW', affectedObjects: 2, deletes: result.deletes, sensitivePropertiesTouched: false, externalEffect: false, irreversible: false }).radius, 'MEDIUM');
});

t.test('sensitive properties set or created are flagged, in the diff and in the result', async (t) => {
  const updateEmail = custom(['Technician'], [{ kind: 'set_properties', target: 0, properties: { email: '$params.email', onCall: false } }]);
  const result = ok(simulate(updateEmail, { parameters: { email: 'tess@utility.example' }, targets: [T1] }, world()));
  t.equal(result.sensitivePropertiesTouched, true);
  t.same(result.diff, [
    {
      op: 'set_properties',
      ...T1,
      changes: [
        { property: 'email', before: 'tess@example.com', after: 'tess@utility.example', sensitive: true },
        { property: 'onCall', before: true, after: false, sensitive: false },
      ],
    },
  ]);
  const createCustomer = custom([], [{ kind: 'create_object', objectType: 'Customer', objectId: '$params.id', properties: { name: 'ACME', accountNumber: 'A-1', phone: '+15550100' } }]);
  t.equal(ok(simulate(createCustomer, { parameters: { id: 'C-1' }, targets: [] }, world())).sensitivePropertiesTouched, true);
  const deleteSite = custom(['Site'], [{ kind: 'delete_object', target: 0 }]);
  const deleted = ok(simulate(deleteSite, { parameters: {}, targets: [S1] }, world()));
  t.equal(deleted.sensitivePropertiesTouched, false, 'deleting an object is counted as a delete, not as touching its sensitive values');
  t.ok(deleted.diff[0]!.op === 'delete_object' && deleted.diff[0]!.changes.some((c) => c.property === 'accessNotes' && c.sensitive), 'but the diff marks them for redaction');
});

t.test('an optional parameter the proposer left out sets nothing', async (t) => {
  const note = custom(['WorkOrder'], [{ kind: 'set_properties', target: 0, properties: { notes: '$params.notes' } }]);
  const result = ok(simulate(note, { parameters: {}, targets: [WO1] }, world()));
  t.same(result.edits, []);
  t.same(result.diff, []);
  t.same(result.affected, [{ ...WO1, version: 2 }], 'the target is still bound by its version');
});

t.test('the simulation is pure and its diff is canonical JSON', async (t) => {
  const w = world();
  const snapshot = JSON.stringify({ objects: [...w.objects], links: [...w.links] });
  const parameters = { workOrderId: 'WO-104233', title: 'Bearing check', kind: 'inspection', priority: 2, scheduledFor: '2026-03-01' };
  const first = ok(simulate(tool('schedule_maintenance'), { parameters, targets: [P1] }, w));
  const again = ok(simulate(tool('schedule_maintenance'), { parameters, targets: [P1] }, w));
  t.equal(JSON.stringify({ objects: [...w.objects], links: [...w.links] }), snapshot, 'the world is not modified');
  t.equal(canonicalJson(first), canonicalJson(again), 'the same input gives the same result');
  t.same(JSON.parse(JSON.stringify(first.diff)), first.diff, 'the diff survives a JSON round trip unchanged');
  parameters.title = 'Changed afterwards';
  t.equal((first.edits[0] as { properties: Record<string, unknown> }).properties.title, 'Bearing check', 'edits do not alias the parameters');
});

t.test('an effect outside the language is a programming error', async (t) => {
  t.throws(() => simulate(custom([], [{ kind: 'rename_object' } as unknown as Effect]), { parameters: {}, targets: [] }, world()), TypeError);
});

t.test('a link created into a to-one slot supersedes its holder: a delete_link first, in the diff and the edits (ADR 0008)', async (t) => {
  const S2 = ref('Site', 'S-2');
  const withS2 = world({ objects: [[S2, { version: 1, properties: { name: 'Hilltop', status: 'operating' }, deleted: false }]] });
  const move = custom(['Pump', 'Site'], [{ kind: 'create_link', linkType: 'installedAt', from: 0, to: 1, properties: { position: 'bay 2' } }]);
  const moved = ok(simulate(move, { parameters: {}, targets: [P1, S2] }, withS2));
  t.same(moved.edits, [
    { kind: 'delete_link', linkType: 'installedAt', from: P1, to: S1 },
    { kind: 'create_link', linkType: 'installedAt', from: P1, to: S2, properties: { position: 'bay 2' } },
  ]);
  t.same(moved.diff.map((d) => d.op), ['delete_link', 'create_link'], 'the approvers see the move');
  t.same(moved.affected, [{ objectType: 'Pump', objectId: 'P-1', version: 3 }, { objectType: 'Site', objectId: 'S-2', version: 1 }], "the old site's own version is not bound");

  // The same link type with every cardinality: which slot the new link P-2 -> S-1 competes for.
  const withCardinality = (cardinality: 'MANY_TO_MANY' | 'ONE_TO_MANY' | 'ONE_TO_ONE' | 'MANY_TO_ONE') => {
    const base = world({ links: [linkKey('installedAt', P2, S2)], objects: [[S2, { version: 1, properties: { name: 'Hilltop', status: 'operating' }, deleted: false }]] });
    return { ...base, linkTypes: new Map([...base.linkTypes, ['installedAt', { ...base.linkTypes.get('installedAt')!, cardinality }]]) };
  };
  const link = custom(['Pump', 'Site'], [{ kind: 'create_link', linkType: 'installedAt', from: 0, to: 1 }]);
  const superseded = (cardinality: Parameters<typeof withCardinality>[0]) =>
    ok(simulate(link, { parameters: {}, targets: [P2, S1] }, withCardinality(cardinality)))
      .edits.filter((e) => e.kind === 'delete_link')
      .map((e) => (e.kind === 'delete_link' ? `${e.from.objectId} -> ${e.to.objectId}` : ''));
  // World: P-1 -> S-1 (the default world) and P-2 -> S-2.
  t.same(superseded('MANY_TO_MANY'), [], 'many_to_many: no slot, nothing superseded');
  t.same(superseded('MANY_TO_ONE'), ['P-2 -> S-2'], "many_to_one: the link from P-2 (P-2's one site)");
  t.same(superseded('ONE_TO_MANY'), ['P-1 -> S-1'], "one_to_many: the link to S-1 (S-1's one pump)");
  t.same(superseded('ONE_TO_ONE'), ['P-1 -> S-1', 'P-2 -> S-2'], 'one_to_one: both, in key order');
});

t.test('link keys are unambiguous for ids with any character', async (t) => {
  const a = linkKey('installedAt', ref('Pump', 'x/Site/y'), ref('Site', 'z'));
  const b = linkKey('installedAt', ref('Pump', 'x'), ref('Site', 'y/Site/z'));
  t.not(a, b, 'ids containing "/<Type>/" no longer make two links share a key');
});
