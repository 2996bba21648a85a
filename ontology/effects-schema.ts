// The effects language of tool catalog entries, as JSON Schema (draft 2020-12). The CLI checks a
// file's effects with it before cross-checking them against the ontology, and the TOOL record's
// `effects` text (`{ targets, effects }`) satisfies `toolEffectsDocumentSchema`, so a processor
// reading the catalog can check what it reads with the same schema.
import { API_NAME_PATTERN, PARAM_REF_PATTERN } from './ontology-file.ts';

/** The `kind` of every effect, ontology edits first. */
export const effectKinds = ['set_properties', 'create_link', 'delete_link', 'create_object', 'delete_object', 'external'] as const;

/** The effect kinds that L3 applies itself; `external` is executed by L4. */
export const ontologyEditKinds: ReadonlySet<string> = new Set(['set_properties', 'create_link', 'delete_link', 'create_object', 'delete_object']);

const apiName = { type: 'string', pattern: API_NAME_PATTERN };
const paramRef = { type: 'string', pattern: PARAM_REF_PATTERN };
// External system and operation names are the executor's, not ours: allow `field-service`, `v2.stop`.
const externalName = { type: 'string', pattern: '^[A-Za-z][A-Za-z0-9._-]{0,99}$' };

// if/then/else rather than anyOf: ajv then reports only the branch that applies ("must be
// integer"), not one failure per alternative.
const targetRef = {
  description: 'A target by its index in the proposal\'s targets, or "all" for every target.',
  if: { type: 'string' },
  then: { const: 'all' },
  else: { type: 'integer', minimum: 0 },
};

const objectRef = {
  description: 'An object that is not a target: its type and an id taken from the parameters.',
  type: 'object',
  required: ['objectType', 'objectId'],
  additionalProperties: false,
  properties: { objectType: apiName, objectId: paramRef },
};

const linkEnd = { if: { type: 'object' }, then: objectRef, else: targetRef };

const propertyValues = {
  description: 'Property values by name: JSON literals, or "$params.<name>" to take a parameter.',
  type: 'object',
  propertyNames: apiName,
};

function effect(kind: (typeof effectKinds)[number], required: readonly string[], properties: Record<string, unknown>) {
  return {
    type: 'object',
    required: ['kind', ...required],
    additionalProperties: false,
    properties: { kind: { const: kind }, ...properties },
  };
}

/** One effect; `kind` selects its shape (ajv `discriminator`, so errors name the chosen branch only). */
export const effectSchema = {
  type: 'object',
  required: ['kind'],
  discriminator: { propertyName: 'kind' },
  oneOf: [
    effect('set_properties', ['target', 'properties'], { target: targetRef, properties: { ...propertyValues, minProperties: 1 } }),
    effect('create_link', ['linkType', 'from', 'to'], { linkType: apiName, from: linkEnd, to: linkEnd, properties: propertyValues }),
    effect('delete_link', ['linkType', 'from', 'to'], { linkType: apiName, from: linkEnd, to: linkEnd }),
    effect('create_object', ['objectType', 'objectId'], { objectType: apiName, objectId: paramRef, properties: propertyValues }),
    effect('delete_object', ['target'], { target: targetRef }),
    effect('external', ['system', 'operation'], { system: externalName, operation: externalName, description: { type: 'string' } }),
  ],
} as const;

/** A tool's effects: at least one (a tool that does nothing has no business being approved). */
export const effectsSchema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'https://aix.dev/l3/ontology/effects.json',
  type: 'array',
  minItems: 1,
  items: effectSchema,
} as const;

/** The TOOL record's `effects` JSON text: the declared targets and the effects over them. */
export const toolEffectsDocumentSchema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'https://aix.dev/l3/ontology/tool-effects-document.json',
  type: 'object',
  required: ['targets', 'effects'],
  additionalProperties: false,
  properties: {
    targets: {
      type: 'array',
      items: {
        type: 'object',
        required: ['objectType'],
        additionalProperties: false,
        properties: { objectType: apiName, description: { type: 'string' } },
      },
    },
    effects: { type: 'array', minItems: 1, items: effectSchema },
  },
} as const;
