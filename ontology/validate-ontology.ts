// Checks a parsed ontology file: its shape, every name, the data types, the tools' JSON Schemas and
// effects (with ajv), and every cross-reference (link endpoints, effect targets, properties,
// `$params.x`, effectKind). Pure: returns every problem found, each with the path of the key it is
// about, so one run of `l3 ontology validate` lists everything to fix; an empty list means valid.
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ErrorObject, ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { BlastRadiusSymbols, CardinalitySymbols, EffectKindSymbols, PropertyDataTypeSymbols } from '../contracts/generated/type-def-change.ts';
import { effectKinds, effectsSchema, ontologyEditKinds } from './effects-schema.ts';
import { API_NAME_PATTERN, PARAM_REF_PATTERN } from './ontology-file.ts';
import type { Effect, ObjectRefSpec, OntologyDataType, OntologyError, TargetRef } from './ontology-file.ts';

// UUID is being added to the Avro enum; until the generated symbols carry it, accept it here.
export const ontologyDataTypes: readonly OntologyDataType[] = [...new Set<OntologyDataType>([...PropertyDataTypeSymbols, 'UUID'])];

const API_NAME = new RegExp(API_NAME_PATTERN);
const PARAM_REF = new RegExp(PARAM_REF_PATTERN);
const PARAM_PREFIX = '$params.';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// RFC 3339 shapes, as the materializer checks TIMESTAMP and DATE values.
const RFC3339_DATE = /^\d{4}-\d{2}-\d{2}$/;
const RFC3339_DATE_TIME = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

const ROOT_KEYS = ['tenant', 'version', 'objectTypes', 'linkTypes', 'tools'];
const TENANT_KEYS = ['id', 'name'];
const OBJECT_TYPE_KEYS = ['description', 'properties'];
const PROPERTY_KEYS = ['dataType', 'required', 'indexed', 'sensitive', 'description'];
const LINK_TYPE_KEYS = ['description', 'fromType', 'toType', 'cardinality', 'properties'];
const TOOL_KEYS = ['name', 'version', 'description', 'parametersSchema', 'targets', 'effects', 'baseRisk', 'effectKind', 'irreversible'];
const TARGET_KEYS = ['objectType', 'description'];

type Json = Record<string, unknown>;

interface PropertyInfo {
  /** Undefined when the declared data type is itself wrong (already reported). */
  readonly dataType: OntologyDataType | undefined;
  readonly required: boolean;
}

type Properties = ReadonlyMap<string, PropertyInfo>;

interface LinkTypeInfo {
  readonly fromType: string | undefined;
  readonly toType: string | undefined;
  readonly properties: Properties;
}

interface ToolContext {
  readonly path: string;
  /** Declared target types by position; undefined where the declaration is wrong. */
  readonly targets: readonly (string | undefined)[];
  /** Parameter schemas by name; null when parametersSchema is wrong (then `$params` are not checked). */
  readonly parameters: ReadonlyMap<string, unknown> | null;
  readonly requiredParameters: ReadonlySet<string>;
}

export function validateOntology(value: unknown): OntologyError[] {
  const errors: OntologyError[] = [];
  const report = (path: string, message: string) => errors.push({ path, message });

  if (!isRecord(value)) {
    report('', 'the file must be a YAML mapping with the keys tenant, version, objectTypes, linkTypes and tools');
    return errors;
  }
  unknownKeys(value, '', ROOT_KEYS, report);

  const tenant = value.tenant;
  if (tenant === undefined) report('tenant', 'is required: { id: <uuid>, name: <text> }');
  else if (!isRecord(tenant)) report('tenant', 'must be a mapping { id: <uuid>, name: <text> }');
  else {
    unknownKeys(tenant, 'tenant', TENANT_KEYS, report);
    if (tenant.id === undefined) report('tenant.id', 'is required (the tenant\'s UUID)');
    else if (typeof tenant.id !== 'string' || !UUID.test(tenant.id)) report('tenant.id', `must be a UUID, got ${show(tenant.id)}`);
    requiredText(tenant, 'name', 'tenant', report);
  }

  if (value.version === undefined) report('version', 'is required: the positive integer version of the definitions');
  else if (!isPositiveInteger(value.version)) report('version', `must be a positive integer, got ${show(value.version)}`);

  const objectTypes = new Map<string, Properties>();
  const declaredObjectTypes = value.objectTypes;
  if (declaredObjectTypes === undefined) report('objectTypes', 'is required: a mapping of object type names to definitions');
  else if (!isRecord(declaredObjectTypes)) report('objectTypes', 'must be a mapping of object type names to definitions');
  else {
    for (const [name, spec] of Object.entries(declaredObjectTypes)) {
      const path = `objectTypes.${name}`;
      checkName(name, path, 'object type', report);
      if (!isRecord(spec)) {
        report(path, 'must be a mapping with description and properties');
        objectTypes.set(name, new Map());
        continue;
      }
      unknownKeys(spec, path, OBJECT_TYPE_KEYS, report);
      requiredText(spec, 'description', path, report);
      objectTypes.set(name, propertyDefinitions(spec.properties, `${path}.properties`, report));
    }
  }

  const linkTypes = new Map<string, LinkTypeInfo>();
  const declaredLinkTypes = value.linkTypes;
  if (declaredLinkTypes !== undefined && !isRecord(declaredLinkTypes)) report('linkTypes', 'must be a mapping of link type names to definitions');
  else if (declaredLinkTypes !== undefined) {
    for (const [name, spec] of Object.entries(declaredLinkTypes)) {
      const path = `linkTypes.${name}`;
      checkName(name, path, 'link type', report);
      if (!isRecord(spec)) {
        report(path, 'must be a mapping with description, fromType, toType, cardinality and properties');
        linkTypes.set(name, { fromType: undefined, toType: undefined, properties: new Map() });
        continue;
      }
      unknownKeys(spec, path, LINK_TYPE_KEYS, report);
      requiredText(spec, 'description', path, report);
      const endpoint = (key: 'fromType' | 'toType'): string | undefined => {
        const type = spec[key];
        if (type === undefined) report(`${path}.${key}`, 'is required: the name of a declared object type');
        else if (typeof type !== 'string') report(`${path}.${key}`, `must be the name of a declared object type, got ${show(type)}`);
        else if (!objectTypes.has(type)) report(`${path}.${key}`, `"${type}" is not a declared object type${suggestion(type, objectTypes.keys())}`);
        else return type;
        return undefined;
      };
      const fromType = endpoint('fromType');
      const toType = endpoint('toType');
      enumSymbol(spec.cardinality, CardinalitySymbols, `${path}.cardinality`, 'cardinality', report);
      linkTypes.set(name, { fromType, toType, properties: propertyDefinitions(spec.properties, `${path}.properties`, report) });
    }
  }

  const tools = value.tools;
  if (tools !== undefined && !Array.isArray(tools)) report('tools', 'must be a list of tool definitions');
  else if (tools !== undefined) {
    const seen = new Map<string, number>();
    tools.forEach((tool: unknown, index: number) => {
      const path = `tools.${index}`;
      if (!isRecord(tool)) {
        report(path, 'must be a mapping with name, version, description, parametersSchema, effects, baseRisk and effectKind');
        return;
      }
      unknownKeys(tool, path, TOOL_KEYS, report);
      if (tool.name === undefined) report(`${path}.name`, 'is required');
      else if (typeof tool.name !== 'string') report(`${path}.name`, `must be a name, got ${show(tool.name)}`);
      else checkName(tool.name, `${path}.name`, 'tool', report);
      if (tool.version === undefined) report(`${path}.version`, 'is required: the tool version proposals pin');
      else if (!isPositiveInteger(tool.version)) report(`${path}.version`, `must be a positive integer, got ${show(tool.version)}`);
      if (typeof tool.name === 'string' && isPositiveInteger(tool.version)) {
        const key = `${tool.name}@${tool.version}`;
        const first = seen.get(key);
        if (first !== undefined) report(`${path}.name`, `duplicate tool "${tool.name}" version ${tool.version} (also tools.${first}); give each version its own entry`);
        else seen.set(key, index);
      }
      requiredText(tool, 'description', path, report);
      checkTool(tool, path, objectTypes, linkTypes, report);
    });
  }
  return errors;
}

function checkTool(tool: Json, path: string, objectTypes: ReadonlyMap<string, Properties>, linkTypes: ReadonlyMap<string, LinkTypeInfo>, report: Report): void {
  const { parameters, requiredParameters } = parameterDefinitions(tool.parametersSchema, `${path}.parametersSchema`, report);

  const targets: (string | undefined)[] = [];
  if (tool.targets !== undefined && !Array.isArray(tool.targets)) report(`${path}.targets`, 'must be a list of { objectType, description }');
  else if (Array.isArray(tool.targets)) {
    tool.targets.forEach((target: unknown, index: number) => {
      const targetPath = `${path}.targets.${index}`;
      if (!isRecord(target)) {
        report(targetPath, 'must be a mapping { objectType, description }');
        targets.push(undefined);
        return;
      }
      unknownKeys(target, targetPath, TARGET_KEYS, report);
      if (target.description !== undefined && typeof target.description !== 'string') report(`${targetPath}.description`, 'must be text');
      targets.push(declaredObjectType(target.objectType, `${targetPath}.objectType`, objectTypes, report));
    });
  }

  enumSymbol(tool.baseRisk, BlastRadiusSymbols, `${path}.baseRisk`, 'base risk', report);
  const effectKind = enumSymbol(tool.effectKind, EffectKindSymbols, `${path}.effectKind`, 'effect kind', report);
  if (tool.irreversible !== undefined && typeof tool.irreversible !== 'boolean') report(`${path}.irreversible`, `must be true or false, got ${show(tool.irreversible)}`);

  if (tool.effects === undefined) {
    report(`${path}.effects`, 'is required: the list of what the tool does');
    return;
  }
  const invalid = new Set<number>();
  if (!validateEffects()(tool.effects)) {
    for (const error of effectErrors(validateEffects().errors ?? [], `${path}.effects`)) {
      report(error.path, error.message);
      const index = /^\d+/.exec(error.path.slice(`${path}.effects.`.length));
      if (index) invalid.add(Number(index[0]));
    }
    if (!Array.isArray(tool.effects)) return;
  }
  const effects = tool.effects as readonly Effect[];
  const context: ToolContext = { path, targets, parameters, requiredParameters };
  effects.forEach((effect, index) => {
    if (!invalid.has(index)) checkEffect(effect, `${path}.effects.${index}`, context, objectTypes, linkTypes, report);
  });

  const external = effects.filter((effect) => isRecord(effect) && effect.kind === 'external');
  const edits = effects.filter((effect) => isRecord(effect) && ontologyEditKinds.has(String(effect.kind)));
  // Judged only when every effect has a known kind: an unknown one is already reported, and
  // guessing which side it falls on would add a second, misleading error.
  const kindsKnown = effects.every((effect) => isRecord(effect) && (effectKinds as readonly unknown[]).includes(effect.kind));
  if (effectKind !== undefined && effects.length > 0 && kindsKnown) {
    const expected = external.length > 0 && edits.length > 0 ? 'BOTH' : external.length > 0 ? 'EXTERNAL' : 'ONTOLOGY_EDIT';
    if (effectKind !== expected) {
      const what = expected === 'BOTH' ? 'both ontology edits and external effects' : expected === 'EXTERNAL' ? 'only external effects' : 'only ontology edits';
      report(`${path}.effectKind`, `is ${effectKind}, but the effects are ${what}: it must be ${expected}`);
    }
  }
  if (tool.irreversible === true && effectKind === 'ONTOLOGY_EDIT') {
    report(`${path}.irreversible`, 'describes external side effects, and this tool has none (ontology edits are undone by another action)');
  }
}

function checkEffect(effect: Effect, path: string, tool: ToolContext, objectTypes: ReadonlyMap<string, Properties>, linkTypes: ReadonlyMap<string, LinkTypeInfo>, report: Report): void {
  switch (effect.kind) {
    case 'set_properties': {
      for (const type of targetTypes(effect.target, `${path}.target`, tool, report)) {
        checkValues(effect.properties, `${path}.properties`, objectTypes.get(type), `object type ${type}`, tool, report, { complete: false });
      }
      return;
    }
    case 'create_object': {
      const type = declaredObjectType(effect.objectType, `${path}.objectType`, objectTypes, report);
      checkParameter(effect.objectId, `${path}.objectId`, tool, report, { objectId: true });
      if (type !== undefined) checkValues(effect.properties ?? {}, `${path}.properties`, objectTypes.get(type), `object type ${type}`, tool, report, { complete: true });
      return;
    }
    case 'delete_object': {
      targetTypes(effect.target, `${path}.target`, tool, report);
      return;
    }
    case 'create_link':
    case 'delete_link': {
      const linkType = linkTypes.get(effect.linkType);
      if (!linkType) report(`${path}.linkType`, `"${effect.linkType}" is not a declared link type${suggestion(effect.linkType, linkTypes.keys())}`);
      for (const end of ['from', 'to'] as const) {
        const types = endTypes(effect[end], `${path}.${end}`, tool, objectTypes, report);
        const expected = end === 'from' ? linkType?.fromType : linkType?.toType;
        for (const type of expected === undefined ? [] : types) {
          if (type !== expected) report(`${path}.${end}`, `link type ${effect.linkType} goes from ${linkType?.fromType} to ${linkType?.toType}, but "${end}" is a ${type}`);
        }
      }
      if (effect.kind === 'create_link' && linkType) {
        checkValues(effect.properties ?? {}, `${path}.properties`, linkType.properties, `link type ${effect.linkType}`, tool, report, { complete: true });
      }
      return;
    }
    case 'external':
      return;
  }
}

/** The object types a target reference stands for, reporting a reference to no declared target. */
function targetTypes(ref: TargetRef, path: string, tool: ToolContext, report: Report): string[] {
  if (ref === 'all') {
    if (tool.targets.length === 0) report(path, '"all" refers to the targets, and the tool declares none (add targets: [{ objectType: ... }])');
    return tool.targets.filter((type): type is string => type !== undefined);
  }
  if (ref >= tool.targets.length) {
    const declared = tool.targets.length === 0 ? 'declares no targets' : tool.targets.length === 1 ? 'declares one target (0)' : `declares ${tool.targets.length} targets (0 to ${tool.targets.length - 1})`;
    report(path, `target ${ref} does not exist: the tool ${declared}`);
    return [];
  }
  const type = tool.targets[ref];
  return type === undefined ? [] : [type];
}

function endTypes(end: TargetRef | ObjectRefSpec, path: string, tool: ToolContext, objectTypes: ReadonlyMap<string, Properties>, report: Report): string[] {
  if (typeof end === 'object') {
    checkParameter(end.objectId, `${path}.objectId`, tool, report, { objectId: true });
    const type = declaredObjectType(end.objectType, `${path}.objectType`, objectTypes, report);
    return type === undefined ? [] : [type];
  }
  return targetTypes(end, path, tool, report);
}

/**
 * Property values of an effect against the type's definitions: every name declared, every literal
 * of the declared data type, every `$params.x` declared; with `complete`, every required property
 * given (a created object or link must be valid on its own).
 */
function checkValues(values: Readonly<Record<string, unknown>>, path: string, properties: Properties | undefined, owner: string, tool: ToolContext, report: Report, options: { complete: boolean }): void {
  if (!properties) return;
  for (const [name, value] of Object.entries(values)) {
    const property = properties.get(name);
    if (!property) {
      report(`${path}.${name}`, `${owner} has no property "${name}"${suggestion(name, properties.keys())}`);
      continue;
    }
    if (typeof value === 'string' && value.startsWith(PARAM_PREFIX)) {
      const parameter = checkParameter(value, `${path}.${name}`, tool, report, { objectId: false });
      const jsonType = parameter === undefined ? undefined : declaredJsonType(parameter);
      if (jsonType !== undefined && property.dataType !== undefined && !jsonTypeFits(jsonType, property.dataType)) {
        report(`${path}.${name}`, `parameter ${value.slice(PARAM_PREFIX.length)} is of type ${jsonType}, but ${name} is ${property.dataType}`);
      }
      continue;
    }
    if (value === null) {
      if (property.required) report(`${path}.${name}`, `${name} is required on ${owner} and cannot be set to null`);
      continue;
    }
    if (property.dataType !== undefined && !literalFits(value, property.dataType)) {
      report(`${path}.${name}`, `${show(value)} is not a ${property.dataType} value`);
    }
  }
  if (options.complete) {
    for (const [name, property] of properties) {
      if (property.required && !Object.hasOwn(values, name)) report(path, `required property "${name}" of ${owner} is not set`);
    }
  }
}

/** Checks a `$params.x` reference and returns the parameter's schema when it is declared. */
function checkParameter(reference: string, path: string, tool: ToolContext, report: Report, options: { objectId: boolean }): unknown {
  const match = PARAM_REF.exec(reference);
  if (!match) {
    report(path, `"${reference}" is not a parameter reference; write ${PARAM_PREFIX}<name>`);
    return undefined;
  }
  const name = match[1]!;
  if (!tool.parameters) return undefined;
  if (!tool.parameters.has(name)) {
    const declared = [...tool.parameters.keys()];
    report(path, `${reference}: parameter "${name}" is not declared in parametersSchema.properties${declared.length > 0 ? ` (declared: ${declared.join(', ')})` : ''}`);
    return undefined;
  }
  const schema = tool.parameters.get(name);
  if (options.objectId) {
    if (!tool.requiredParameters.has(name)) report(path, `${reference} identifies an object, so parameter "${name}" must be listed in parametersSchema.required`);
    const jsonType = declaredJsonType(schema);
    if (jsonType !== undefined && jsonType !== 'string') report(path, `${reference} identifies an object, so parameter "${name}" must be a string, not ${jsonType}`);
  }
  return schema;
}

/** The tool's parameters by name, after checking parametersSchema is a valid JSON Schema of an object. */
function parameterDefinitions(schema: unknown, path: string, report: Report): { parameters: ReadonlyMap<string, unknown> | null; requiredParameters: ReadonlySet<string> } {
  const invalid = { parameters: null, requiredParameters: new Set<string>() };
  if (schema === undefined) {
    report(path, 'is required: a JSON Schema of type object (use { type: object, properties: {} } for no parameters)');
    return invalid;
  }
  if (!isRecord(schema)) {
    report(path, `must be a JSON Schema object of type object, got ${show(schema)}`);
    return invalid;
  }
  let valid = true;
  if (schema.type !== 'object') {
    report(`${path}.type`, `must be "object": a proposal's parameters are a JSON object${schema.type === undefined ? '' : `, got ${show(schema.type)}`}`);
    valid = false;
  }
  if (schema.$schema !== undefined && schema.$schema !== 'https://json-schema.org/draft/2020-12/schema') {
    report(`${path}.$schema`, `parameter schemas are JSON Schema draft 2020-12; leave $schema out or set it to https://json-schema.org/draft/2020-12/schema`);
    return invalid;
  }
  const ajv = parameterSchemaCompiler();
  if (!ajv.validateSchema(schema)) {
    for (const error of metaSchemaErrors(ajv.errors ?? [], path)) report(error.path, error.message);
    return invalid;
  }
  try {
    ajv.compile(schema);
  } catch (error) {
    // Strict-mode errors name the schema location as `at "#/properties/x"`, except for an unknown
    // keyword, which is found by looking for it: either way the error gets the path of its key.
    const message = (error as Error).message;
    const pointer = /at "#([^"]*)"/.exec(message)?.[1];
    const keyword = /unknown keyword: "([^"]+)"/.exec(message)?.[1];
    const at = pointer !== undefined ? pointerToPath(pointer) : keyword !== undefined ? (pathOfKey(schema, keyword) ?? '') : '';
    report(path + at, `is not a valid JSON Schema: ${message.replace(/ at "#[^"]*"/, '')}`);
    return invalid;
  }
  if (schema.properties !== undefined && !isRecord(schema.properties)) {
    report(`${path}.properties`, 'must be a mapping of parameter names to schemas');
    valid = false;
  }
  if (!valid) return invalid;
  const required = Array.isArray(schema.required) ? schema.required.filter((name): name is string => typeof name === 'string') : [];
  return { parameters: new Map(Object.entries((schema.properties as Json | undefined) ?? {})), requiredParameters: new Set(required) };
}

function propertyDefinitions(properties: unknown, path: string, report: Report): Properties {
  const definitions = new Map<string, PropertyInfo>();
  if (properties === undefined) return definitions;
  if (!isRecord(properties)) {
    report(path, 'must be a mapping of property names to definitions');
    return definitions;
  }
  for (const [name, spec] of Object.entries(properties)) {
    const propertyPath = `${path}.${name}`;
    checkName(name, propertyPath, 'property', report);
    if (!isRecord(spec)) {
      report(propertyPath, `must be a mapping with dataType (e.g. { dataType: string }), got ${show(spec)}`);
      definitions.set(name, { dataType: undefined, required: false });
      continue;
    }
    unknownKeys(spec, propertyPath, PROPERTY_KEYS, report);
    const dataType = enumSymbol(spec.dataType, ontologyDataTypes, `${propertyPath}.dataType`, 'data type', report);
    for (const flag of ['required', 'indexed', 'sensitive'] as const) {
      if (spec[flag] !== undefined && typeof spec[flag] !== 'boolean') report(`${propertyPath}.${flag}`, `must be true or false, got ${show(spec[flag])}`);
    }
    if (spec.description !== undefined && typeof spec.description !== 'string') report(`${propertyPath}.description`, 'must be text');
    definitions.set(name, { dataType, required: spec.required === true });
  }
  return definitions;
}

function declaredObjectType(type: unknown, path: string, objectTypes: ReadonlyMap<string, Properties>, report: Report): string | undefined {
  if (type === undefined) report(path, 'is required: the name of a declared object type');
  else if (typeof type !== 'string') report(path, `must be the name of a declared object type, got ${show(type)}`);
  else if (!objectTypes.has(type)) report(path, `"${type}" is not a declared object type${suggestion(type, objectTypes.keys())}`);
  else return type;
  return undefined;
}

/** An enum value written in any case, as its Avro symbol; undefined (and reported) when unknown. */
function enumSymbol<T extends string>(raw: unknown, symbols: readonly T[], path: string, what: string, report: Report): T | undefined {
  if (raw === undefined) {
    report(path, `is required: one of ${symbols.join(', ')}`);
    return undefined;
  }
  const symbol = typeof raw === 'string' ? symbols.find((s) => s === raw.toUpperCase()) : undefined;
  if (symbol === undefined) report(path, `unknown ${what} ${show(raw)}; expected one of ${symbols.join(', ')} (lower-case allowed)`);
  return symbol;
}

function checkName(name: string, path: string, what: string, report: Report): void {
  if (!API_NAME.test(name)) report(path, `"${name}" is not a valid ${what} name: start with a letter, then up to 99 letters, digits or "_"`);
}

function requiredText(spec: Json, key: string, path: string, report: Report): void {
  const text = spec[key];
  const keyPath = path === '' ? key : `${path}.${key}`;
  if (text === undefined) report(keyPath, 'is required');
  else if (typeof text !== 'string' || text.trim() === '') report(keyPath, `must be non-empty text, got ${show(text)}`);
}

function unknownKeys(spec: Json, path: string, allowed: readonly string[], report: Report): void {
  for (const key of Object.keys(spec)) {
    if (!allowed.includes(key)) report(path === '' ? key : `${path}.${key}`, `unknown key "${key}"; expected ${allowed.join(', ')}`);
  }
}

/** The JSON type a parameter schema declares, when it declares exactly one. */
function declaredJsonType(schema: unknown): string | undefined {
  return isRecord(schema) && typeof schema.type === 'string' ? schema.type : undefined;
}

function jsonTypeFits(jsonType: string, dataType: OntologyDataType): boolean {
  switch (dataType) {
    case 'STRING':
    case 'TIMESTAMP':
    case 'DATE':
    case 'UUID':
      return jsonType === 'string';
    case 'INTEGER':
      return jsonType === 'integer';
    case 'NUMBER':
      return jsonType === 'number' || jsonType === 'integer';
    case 'BOOLEAN':
      return jsonType === 'boolean';
    case 'JSON':
      return true;
    case 'STRING_ARRAY':
    case 'INTEGER_ARRAY':
    case 'NUMBER_ARRAY':
      return jsonType === 'array';
  }
}

function literalFits(value: unknown, dataType: OntologyDataType): boolean {
  switch (dataType) {
    case 'STRING':
      return typeof value === 'string';
    case 'UUID':
      return typeof value === 'string' && UUID.test(value);
    case 'TIMESTAMP':
      return typeof value === 'string' && RFC3339_DATE_TIME.test(value);
    case 'DATE':
      return typeof value === 'string' && RFC3339_DATE.test(value);
    case 'INTEGER':
      return Number.isSafeInteger(value);
    case 'NUMBER':
      return typeof value === 'number' && Number.isFinite(value);
    case 'BOOLEAN':
      return typeof value === 'boolean';
    case 'JSON':
      return true;
    case 'STRING_ARRAY':
      return Array.isArray(value) && value.every((item) => typeof item === 'string');
    case 'INTEGER_ARRAY':
      return Array.isArray(value) && value.every((item) => Number.isSafeInteger(item));
    case 'NUMBER_ARRAY':
      return Array.isArray(value) && value.every((item) => typeof item === 'number' && Number.isFinite(item));
  }
}

/** ajv's errors as ontology errors: JSON pointers become dot paths, messages name what to write. */
function effectErrors(errors: readonly ErrorObject[], basePath: string): OntologyError[] {
  const result: OntologyError[] = [];
  for (const error of errors) {
    // `if` only says which branch failed (its own errors follow), and errors inside propertyNames
    // are summarized by the propertyNames error itself.
    if (error.keyword === 'if' || (error as { propertyName?: string }).propertyName !== undefined) continue;
    let path = basePath + pointerToPath(error.instancePath);
    let message = error.message ?? 'is invalid';
    const params = error.params as Record<string, unknown>;
    if (/\/(then\/const|else\/type|else\/minimum)$/.test(error.schemaPath)) {
      // A target reference (effects-schema.ts targetRef) that is neither an index nor "all".
      const linkEnd = /\/(from|to)$/.test(error.instancePath) ? ', or { objectType, objectId: $params.<name> }' : '';
      const message = `must be a target index (0, 1, ...) or "all"${linkEnd}`;
      if (!result.some((r) => r.path === path && r.message === message)) result.push({ path, message });
      continue;
    }
    switch (error.keyword) {
      case 'required':
        path += `.${String(params.missingProperty)}`;
        message = 'is required';
        break;
      case 'additionalProperties':
        path += `.${String(params.additionalProperty)}`;
        message = 'is not a key of this kind of effect';
        break;
      case 'discriminator':
        path += '.kind';
        message = params.error === 'mapping' ? `unknown effect kind ${show(params.tagValue)}; expected one of ${effectKinds.join(', ')}` : `must be one of ${effectKinds.join(', ')}`;
        break;
      case 'propertyNames':
        path += `.${String(params.propertyName)}`;
        message = 'is not a valid property name: start with a letter, then up to 99 letters, digits or "_"';
        break;
      case 'const':
        message = `must be ${show(params.allowedValue)}`;
        break;
      case 'pattern':
        message =
          params.pattern === PARAM_REF_PATTERN ? `must be a parameter reference ${PARAM_PREFIX}<name>`
          : params.pattern === API_NAME_PATTERN ? 'must be a name: a letter, then up to 99 letters, digits or "_"'
          : `must match ${String(params.pattern)}`;
        break;
      case 'minItems':
        message = 'must list at least one effect';
        break;
    }
    if (!result.some((r) => r.path === path && r.message === message)) result.push({ path, message });
  }
  return result;
}

/**
 * Errors of a parameter schema against the JSON Schema meta-schema, one per key: the meta-schema's
 * anyOf/type alternatives would otherwise say the same thing three ways.
 */
function metaSchemaErrors(errors: readonly ErrorObject[], basePath: string): OntologyError[] {
  const byPath = new Map<string, string>();
  for (const error of errors) {
    const path = basePath + pointerToPath(error.instancePath);
    if (byPath.has(path)) continue;
    const params = error.params as Record<string, unknown>;
    const allowed = Array.isArray(params.allowedValues) ? ` (${params.allowedValues.join(', ')})` : '';
    byPath.set(path, `is not valid JSON Schema: ${error.message ?? 'is invalid'}${allowed}`);
  }
  return [...byPath].map(([path, message]) => ({ path, message }));
}

// Compiled once per process: the effects schema is a constant. strictRequired is off because the
// discriminator's tag `kind` is required at the top but defined in each branch, as ajv asks.
let effectsValidator: ValidateFunction | undefined;
function validateEffects(): ValidateFunction {
  effectsValidator ??= new Ajv2020({ allErrors: true, discriminator: true, strict: true, strictRequired: false }).compile(effectsSchema);
  return effectsValidator;
}

/**
 * A fresh ajv per tool schema, so one tool's `$id` cannot clash with another's. Strict mode: an
 * unknown keyword in a parameter schema is a typo (`minimun`) that would silently accept anything.
 */
function parameterSchemaCompiler(): Ajv2020 {
  const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true });
  addFormats.default(ajv);
  return ajv;
}

type Report = (path: string, message: string) => void;

/** The dot-path suffix of the first mapping (depth first) that has `key`, or undefined. */
function pathOfKey(value: unknown, key: string): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  if (!Array.isArray(value) && Object.hasOwn(value, key)) return '';
  for (const [child, nested] of Object.entries(value)) {
    const found = pathOfKey(nested, key);
    if (found !== undefined) return `.${child}${found}`;
  }
  return undefined;
}

/** A JSON pointer (RFC 6901) as a dot-path suffix: `/properties/a~1b` -> `.properties.a/b`. */
function pointerToPath(pointer: string): string {
  return pointer.split('/').slice(1).map((segment) => `.${segment.replaceAll('~1', '/').replaceAll('~0', '~')}`).join('');
}

function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isPositiveInteger(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 1;
}

function show(value: unknown): string {
  return value === undefined ? 'nothing' : JSON.stringify(value);
}

/** ` (did you mean "Pump"?)` when a declared name differs only in case or by a typo or two. */
function suggestion(name: string, candidates: Iterable<string>): string {
  let best: string | undefined;
  let bestDistance = 3;
  for (const candidate of candidates) {
    const distance = candidate.toLowerCase() === name.toLowerCase() ? 0 : editDistance(name, candidate);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best === undefined ? '' : ` (did you mean "${best}"?)`;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}
