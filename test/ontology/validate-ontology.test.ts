// The ontology file validator: the demo file passes, and each kind of mistake is reported at the
// path of the key to fix (the CLI turns that path into a line number).
import { readFileSync } from 'node:fs';
import t from 'tap';
import { parseOntology, validateOntology } from '../../ontology/index.ts';
import type { OntologyError } from '../../ontology/index.ts';

const demoText = readFileSync(new URL('../../examples/ontology/demo.yaml', import.meta.url), 'utf8');

/** A fresh, mutable copy of the demo file's value. */
function demo(): any {
  return structuredClone(parseOntology(demoText).value);
}

function toolIndex(ontology: any, name: string): number {
  const index = ontology.tools.findIndex((tool: { name: string }) => tool.name === name);
  if (index < 0) throw new Error(`the demo has no tool ${name}`);
  return index;
}

/** t.ok's arguments for "an error is reported at `path` with a message matching `message`". */
function errorAt(errors: readonly OntologyError[], path: string, message: RegExp): [boolean, string, { errors: readonly OntologyError[] }] {
  return [errors.some((error) => error.path === path && message.test(error.message)), `error at ${path} matching ${message}`, { errors }];
}

t.test('the demo file is a valid ontology', async (t) => {
  const parsed = parseOntology(demoText);
  t.same(parsed.errors, []);
  t.same(validateOntology(parsed.value), []);
});

t.test('data types must be PropertyDataType symbols, in upper or lower case', async (t) => {
  const ontology = demo();
  ontology.objectTypes.Pump.properties.status.dataType = 'strng';
  ontology.objectTypes.Pump.properties.serialNumber.dataType = 'STRING';
  ontology.objectTypes.Pump.properties.model.dataType = 'uuid';
  const errors = validateOntology(ontology);
  t.ok(...errorAt(errors, 'objectTypes.Pump.properties.status.dataType', /unknown data type "strng"; expected one of STRING, .*UUID/));
  t.equal(errors.length, 1, 'STRING and uuid are accepted');

  delete ontology.objectTypes.Pump.properties.status.dataType;
  t.ok(...errorAt(validateOntology(ontology), 'objectTypes.Pump.properties.status.dataType', /is required/));
});

t.test('a link type must connect declared object types', async (t) => {
  const ontology = demo();
  ontology.linkTypes.installedAt.toType = 'Station';
  ontology.linkTypes.monitors.fromType = 'sensor';
  const errors = validateOntology(ontology);
  t.ok(...errorAt(errors, 'linkTypes.installedAt.toType', /"Station" is not a declared object type/));
  t.ok(...errorAt(errors, 'linkTypes.monitors.fromType', /"sensor" is not a declared object type \(did you mean "Sensor"\?\)/));
});

t.test('a name declared twice is reported at the second declaration', async (t) => {
  const duplicated = demoText.replace('\n  Technician:\n', '\n  Pump:\n    description: A second pump type.\n  Technician:\n');
  const parsed = parseOntology(duplicated);
  t.equal(parsed.errors.length, 1);
  t.equal(parsed.errors[0]?.path, 'objectTypes.Pump');
  t.match(parsed.errors[0]?.message, /duplicate key "Pump" \(first declared at line \d+\)/);
  t.ok(parsed.lineOf('objectTypes.Pump')! < parsed.lineOf('objectTypes.Technician')!, 'the first declaration stands');
  t.same(validateOntology(parsed.value), [], 'the rest of the file is checked against the first declaration');

  const ontology = demo();
  ontology.tools.push({ ...ontology.tools[toolIndex(ontology, 'set_pump_status')] });
  t.ok(...errorAt(validateOntology(ontology), `tools.${ontology.tools.length - 1}.name`, /duplicate tool "set_pump_status" version 1 \(also tools\.0\)/));

  ontology.tools[ontology.tools.length - 1].version = 2;
  t.same(validateOntology(ontology), [], 'the same tool name with another version is a new version');
});

t.test('names must start with a letter and hold only letters, digits and _', async (t) => {
  const ontology = demo();
  ontology.objectTypes['pump-station'] = { description: 'Hyphenated.', properties: { 'flow rate': { dataType: 'number' } } };
  ontology.tools[0].name = '1st_tool';
  ontology.linkTypes['x'.repeat(101)] = { description: 'Too long.', fromType: 'Pump', toType: 'Site', cardinality: 'many_to_one' };
  const errors = validateOntology(ontology);
  t.ok(...errorAt(errors, 'objectTypes.pump-station', /"pump-station" is not a valid object type name/));
  t.ok(...errorAt(errors, 'objectTypes.pump-station.properties.flow rate', /"flow rate" is not a valid property name/));
  t.ok(...errorAt(errors, 'tools.0.name', /"1st_tool" is not a valid tool name/));
  t.ok(...errorAt(errors, `linkTypes.${'x'.repeat(101)}`, /is not a valid link type name/));
});

t.test('an effect may only set properties the object type declares', async (t) => {
  const ontology = demo();
  const index = toolIndex(ontology, 'set_pump_status');
  ontology.tools[index].effects[0].properties = { statuss: '$params.status' };
  t.ok(...errorAt(validateOntology(ontology), `tools.${index}.effects.0.properties.statuss`, /object type Pump has no property "statuss" \(did you mean "status"\?\)/));

  const create = demo();
  const schedule = toolIndex(create, 'schedule_maintenance');
  create.tools[schedule].effects[0].properties.colour = 'red';
  delete create.tools[schedule].effects[0].properties.title;
  const errors = validateOntology(create);
  t.ok(...errorAt(errors, `tools.${schedule}.effects.0.properties.colour`, /object type WorkOrder has no property "colour"/));
  t.ok(...errorAt(errors, `tools.${schedule}.effects.0.properties`, /required property "title" of object type WorkOrder is not set/));
});

t.test('literal values must fit the property data type', async (t) => {
  const ontology = demo();
  const index = toolIndex(ontology, 'schedule_maintenance');
  ontology.tools[index].effects[0].properties.status = 3;
  ontology.tools[index].effects[0].properties.scheduledFor = 'next tuesday';
  ontology.tools[index].effects[0].properties.title = null;
  const errors = validateOntology(ontology);
  t.ok(...errorAt(errors, `tools.${index}.effects.0.properties.status`, /3 is not a STRING value/));
  t.ok(...errorAt(errors, `tools.${index}.effects.0.properties.scheduledFor`, /"next tuesday" is not a DATE value/));
  t.ok(...errorAt(errors, `tools.${index}.effects.0.properties.title`, /title is required on object type WorkOrder and cannot be set to null/));
});

t.test('$params.x must name a parameter declared in parametersSchema.properties', async (t) => {
  const ontology = demo();
  const index = toolIndex(ontology, 'set_pump_status');
  ontology.tools[index].effects[0].properties.status = '$params.state';
  t.ok(...errorAt(validateOntology(ontology), `tools.${index}.effects.0.properties.status`, /\$params\.state: parameter "state" is not declared in parametersSchema\.properties \(declared: status\)/));

  const schedule = demo();
  const s = toolIndex(schedule, 'schedule_maintenance');
  schedule.tools[s].parametersSchema.required = ['title', 'kind', 'priority', 'scheduledFor'];
  schedule.tools[s].parametersSchema.properties.priority = { type: 'string' };
  const errors = validateOntology(schedule);
  t.ok(...errorAt(errors, `tools.${s}.effects.0.objectId`, /parameter "workOrderId" must be listed in parametersSchema\.required/));
  t.ok(...errorAt(errors, `tools.${s}.effects.0.properties.priority`, /parameter priority is of type string, but priority is INTEGER/));
});

t.test('parametersSchema must be a valid JSON Schema of an object', async (t) => {
  const ontology = demo();
  const index = toolIndex(ontology, 'set_pump_status');
  ontology.tools[index].parametersSchema.properties.status.type = 'text';
  t.ok(...errorAt(validateOntology(ontology), `tools.${index}.parametersSchema.properties.status.type`, /is not valid JSON Schema: must be equal to one of the allowed values/));

  ontology.tools[index].parametersSchema.properties.status = { type: 'string', minLenght: 2 };
  t.ok(...errorAt(validateOntology(ontology), `tools.${index}.parametersSchema.properties.status`, /strict mode: unknown keyword: "minLenght"/));

  ontology.tools[index].parametersSchema = { type: 'array', items: { type: 'string' } };
  t.ok(...errorAt(validateOntology(ontology), `tools.${index}.parametersSchema.type`, /must be "object"/));
});

t.test('effectKind must agree with the effects', async (t) => {
  const ontology = demo();
  const shutdown = toolIndex(ontology, 'shutdown_site');
  const dispatch = toolIndex(ontology, 'dispatch_technician');
  const status = toolIndex(ontology, 'set_pump_status');
  ontology.tools[shutdown].effectKind = 'ontology_edit';
  ontology.tools[dispatch].effectKind = 'EXTERNAL';
  ontology.tools[status].effectKind = 'both';
  const errors = validateOntology(ontology);
  t.ok(...errorAt(errors, `tools.${shutdown}.effectKind`, /is ONTOLOGY_EDIT, but the effects are only external effects: it must be EXTERNAL/));
  t.ok(...errorAt(errors, `tools.${dispatch}.effectKind`, /is EXTERNAL, but the effects are both ontology edits and external effects: it must be BOTH/));
  t.ok(...errorAt(errors, `tools.${status}.effectKind`, /is BOTH, but the effects are only ontology edits: it must be ONTOLOGY_EDIT/));

  const irreversible = demo();
  irreversible.tools[status].irreversible = true;
  t.ok(...errorAt(validateOntology(irreversible), `tools.${status}.irreversible`, /describes external side effects/));
});

t.test('the tenant id is required and must be a UUID', async (t) => {
  const missing = demo();
  delete missing.tenant.id;
  t.ok(...errorAt(validateOntology(missing), 'tenant.id', /is required/));

  const malformed = demo();
  malformed.tenant.id = 'demo-utilities';
  t.ok(...errorAt(validateOntology(malformed), 'tenant.id', /must be a UUID, got "demo-utilities"/));

  const noTenant = demo();
  delete noTenant.tenant;
  noTenant.version = 0;
  const errors = validateOntology(noTenant);
  t.ok(...errorAt(errors, 'tenant', /is required/));
  t.ok(...errorAt(errors, 'version', /must be a positive integer, got 0/));
});

t.test('effects are checked against the effects schema and the tool targets', async (t) => {
  const ontology = demo();
  const index = toolIndex(ontology, 'decommission_pump');
  const effects = ontology.tools[index].effects;
  effects.push({ kind: 'teleport', target: 0 });
  effects.push({ kind: 'delete_object', target: 2 });
  effects.push({ kind: 'delete_link', linkType: 'installedAt', from: 1, to: 0 });
  effects.push({ kind: 'create_object', objectType: 'WorkOrder', objectId: 'WO-1', properties: {} });
  effects.push({ kind: 'set_properties', target: 'every', properties: { status: 'stopped' }, note: 'x' });
  const n = effects.length;
  const errors = validateOntology(ontology);
  t.ok(...errorAt(errors, `tools.${index}.effects.${n - 5}.kind`, /unknown effect kind "teleport"; expected one of set_properties, /));
  t.ok(...errorAt(errors, `tools.${index}.effects.${n - 4}.target`, /target 2 does not exist: the tool declares 2 targets \(0 to 1\)/));
  t.ok(...errorAt(errors, `tools.${index}.effects.${n - 3}.from`, /link type installedAt goes from Pump to Site, but "from" is a Site/));
  t.ok(...errorAt(errors, `tools.${index}.effects.${n - 3}.to`, /but "to" is a Pump/));
  t.ok(...errorAt(errors, `tools.${index}.effects.${n - 2}.objectId`, /must be a parameter reference \$params\.<name>/));
  t.ok(...errorAt(errors, `tools.${index}.effects.${n - 1}.target`, /must be a target index \(0, 1, \.\.\.\) or "all"/));
  t.ok(...errorAt(errors, `tools.${index}.effects.${n - 1}.note`, /is not a key of this kind of effect/));
});

t.test('misspelt keys are errors, not ignored lines', async (t) => {
  const ontology = demo();
  ontology.objectTypes.Customer.properties.email.sensitiv = true;
  ontology.tool = [];
  const errors = validateOntology(ontology);
  t.ok(...errorAt(errors, 'objectTypes.Customer.properties.email.sensitiv', /unknown key "sensitiv"/));
  t.ok(...errorAt(errors, 'tool', /unknown key "tool"/));
});

t.test('YAML syntax errors carry their line, and every key path maps to its line', async (t) => {
  const broken = parseOntology('tenant:\n  id: x\n  name: [unclosed\nversion: 1\n');
  t.equal(broken.value, undefined);
  t.equal(broken.errors.length > 0, true);
  t.match(broken.errors[0], { path: '', message: /^YAML syntax: /, line: Number });

  const parsed = parseOntology(demoText);
  const lines = demoText.split('\n');
  const line = parsed.lineOf('objectTypes.Pump.properties.status.dataType')!;
  t.match(lines[line - 1], /^\s+dataType: string$/);
  t.match(lines[parsed.lineOf('tools.0.effects.0.properties.status')! - 1], /status: \$params\.status/);
  t.equal(parsed.lineOf('tools.0.effects.0.properties.status.nonexistent'), parsed.lineOf('tools.0.effects.0.properties.status'), 'a path the file lacks maps to its nearest ancestor');
});
