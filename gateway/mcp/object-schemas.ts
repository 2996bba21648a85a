// The zod schemas the object tools share: references, filters and orderings as the GraphQL
// inputs of schema.graphql spell them (ObjectRef, ObjectFilter, PropertyFilter, ObjectOrder),
// and the objects and links they return. Inputs are strict (an unknown key is BAD_USER_INPUT,
// not silently dropped) and bounded as the GraphQL API bounds them; what the bounds cannot say
// (property names and value types against the tenant's ontology) the shared compilers check.
import { z } from 'zod';
import { MAX_FILTER_CONDITIONS, MAX_LIST_VALUES } from '../objects/object-filter.ts';
import { MAX_ORDER_KEYS } from '../objects/object-order.ts';

/** ObjectRef: an object named by its type and external id. */
export const objectRefInput = z
  .strictObject({
    type: z.string().min(1).max(100).describe('The object type, e.g. "Pump".'),
    id: z.string().min(1).max(512).describe("The object's external id (its id in the source system), e.g. \"p-7\"."),
  })
  .describe('An object named by its type and external id.');

const jsonValue = (what: string) => z.unknown().describe(what);

const propertyFilter = z
  .strictObject({
    name: z.string().min(1).max(100).describe('The property, as the object type defines it (describe_types).'),
    eq: jsonValue('Equal to (a value of the property\'s data type).').optional(),
    ne: jsonValue('Not equal to (or absent).').optional(),
    lt: jsonValue('Less than (integer, number, string, date, timestamp).').optional(),
    lte: jsonValue('Less than or equal to.').optional(),
    gt: jsonValue('Greater than.').optional(),
    gte: jsonValue('Greater than or equal to.').optional(),
    in: z.array(z.unknown()).max(MAX_LIST_VALUES).describe(`Equal to one of these (at most ${MAX_LIST_VALUES}).`).optional(),
    contains: jsonValue('Strings: contains this text, ignoring case. Arrays: has this element.').optional(),
    isNull: z.boolean().describe('true: has no value; false: has one.').optional(),
  })
  .describe('Conditions on one property; every operator given must hold. Filtering on a sensitive property needs the operator or admin role.');

export interface ObjectFilterJson {
  properties?: z.output<typeof propertyFilter>[] | undefined;
  externalIdIn?: string[] | undefined;
  updatedSince?: string | undefined;
  and?: ObjectFilterJson[] | undefined;
  or?: ObjectFilterJson[] | undefined;
  not?: ObjectFilterJson | undefined;
}

/** ObjectFilter: conditions on an object type's objects; nests at most 5 levels with 50 conditions in all. */
export const objectFilterInput: z.ZodType<ObjectFilterJson> = z
  .strictObject({
    properties: z.array(propertyFilter).max(MAX_FILTER_CONDITIONS).describe('Conditions on properties, all of which must hold.').optional(),
    externalIdIn: z.array(z.string().max(512)).max(MAX_LIST_VALUES).describe('The external id is one of these.').optional(),
    updatedSince: z.iso.datetime({ offset: true }).describe('Updated at or after this time (ISO 8601).').optional(),
    get and() {
      return z.array(objectFilterInput).max(MAX_FILTER_CONDITIONS).describe('Every one of these filters holds.').optional();
    },
    get or() {
      return z.array(objectFilterInput).max(MAX_FILTER_CONDITIONS).describe('At least one of these filters holds.').optional();
    },
    get not() {
      return objectFilterInput.describe('This filter does not hold.').optional();
    },
  })
  .describe('Conditions on objects of one type (at most 5 levels of and/or/not, 50 conditions in all).');

export const objectOrderInput = z
  .array(
    z.strictObject({
      field: z.enum(['EXTERNAL_ID', 'UPDATED_AT', 'CREATED_AT']).describe('A field every object has.').optional(),
      property: z.string().min(1).max(100).describe('A property of the type (not JSON or array typed); objects without a value come last.').optional(),
      direction: z.enum(['ASC', 'DESC']).describe('Default ASC.').optional(),
    }),
  )
  .max(MAX_ORDER_KEYS)
  .describe(`Sort keys, first to last (at most ${MAX_ORDER_KEYS}; default external id ascending). Give field or property in each.`);

/** An object as the tools return it; sensitive values the caller may not read are null and named in `redacted`. */
export const objectOutput = z.object({
  id: z.string().describe("The object's global id (the GraphQL API's OntologyObject.id); get_object takes it."),
  type: z.string().describe('The object type.'),
  externalId: z.string().describe('The id in the source system; with `type` it names the object in other tools.'),
  version: z.number().int().describe('Changes L3 applied to the object.'),
  properties: z.record(z.string(), z.unknown()).describe('The properties; withheld sensitive ones are null.'),
  redacted: z.array(z.string()).describe('The sensitive properties whose values were withheld from this caller.'),
  updatedAt: z.string().describe('When L3 last changed the object (ISO 8601).'),
});

export const objectRefOutput = z.object({ type: z.string(), id: z.string().describe('The external id.') });

export const linkOutput = z.object({
  linkType: z.string(),
  from: objectRefOutput.describe('The object the link starts from.'),
  to: objectRefOutput.describe('The object the link points to.'),
  properties: z.record(z.string(), z.unknown()).describe("The link's properties; withheld sensitive ones are null."),
  redacted: z.array(z.string()),
});

export type ObjectOutput = z.output<typeof objectOutput>;
export type LinkOutput = z.output<typeof linkOutput>;
