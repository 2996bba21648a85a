// describe_types: the tenant's ontology from the request's catalog (sql/catalog.ts): object
// types with their property definitions, and link types. With `type`, that object type and the
// link types that start or end at it.
import { z } from 'zod';
import { notFound } from '../../errors.ts';
import type { LinkTypeRecord, ObjectTypeRecord, PropertyDefinition } from '../../sql/catalog.ts';
import { defineTool } from '../tool-definition.ts';

const propertyOutput = z.object({
  name: z.string(),
  dataType: z.string().describe('string, integer, number, boolean, date, timestamp, uuid, json, string_array, integer_array or number_array.'),
  required: z.boolean(),
  indexed: z.boolean(),
  sensitive: z.boolean().describe('Values are withheld unless the token has the operator or admin role.'),
  description: z.string(),
});

const objectTypeOutput = z.object({ name: z.string(), description: z.string(), version: z.number().int(), properties: z.array(propertyOutput) });
const linkTypeOutput = z.object({
  name: z.string(),
  description: z.string(),
  fromType: z.string(),
  toType: z.string(),
  cardinality: z.string(),
  properties: z.array(propertyOutput),
});

const property = (p: PropertyDefinition) => ({ name: p.name, dataType: p.dataType, required: p.required, indexed: p.indexed, sensitive: p.sensitive, description: p.description });
const objectType = (t: ObjectTypeRecord) => ({ name: t.name, description: t.description, version: t.version, properties: t.properties.map(property) });
const linkType = (l: LinkTypeRecord) => ({
  name: l.name,
  description: l.description,
  fromType: l.fromType,
  toType: l.toType,
  cardinality: l.cardinality,
  properties: l.properties.map(property),
});

export function describeTypesTool() {
  return defineTool({
    name: 'describe_types',
    title: 'Describe the ontology',
    description:
      "Describes the tenant's ontology: object types with their properties (data type, required, sensitive) and link types (from, to, cardinality). " +
      'With `type`, only that object type and the link types that start or end at it.',
    readOnly: true,
    idempotent: true,
    input: z.strictObject({ type: z.string().min(1).max(100).describe('One object type (default: all).').optional() }),
    output: z.object({ objectTypes: z.array(objectTypeOutput), linkTypes: z.array(linkTypeOutput) }),
    async run(input, { scope }) {
      const catalog = await scope.catalog();
      let objectTypes = catalog.objectTypes;
      let linkTypes = catalog.linkTypes;
      if (input.type !== undefined) {
        const type = catalog.objectTypeByName(input.type);
        if (type === undefined) throw notFound(`no object type named ${JSON.stringify(input.type)}`);
        objectTypes = [type];
        linkTypes = linkTypes.filter((link) => link.fromTypeId === type.id || link.toTypeId === type.id);
      }
      return {
        structured: { objectTypes: objectTypes.map(objectType), linkTypes: linkTypes.map(linkType) },
        summary: `${objectTypes.length} object type(s): ${objectTypes.map((t) => t.name).join(', ') || 'none'}; ${linkTypes.length} link type(s).`,
      };
    },
  });
}
