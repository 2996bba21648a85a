// ObjectFilter (schema.graphql) -> a SQL condition on `o` (objects), checked against the object
// type's property definitions first: an unknown property, an operator the data type does not
// support or a value of the wrong type is BAD_USER_INPUT; a condition on a sensitive property is
// FORBIDDEN for callers who may not see its values (the answer would reveal them).
import { badInput, forbidden } from '../errors.ts';
import type { ObjectTypeRecord, PropertyDefinition } from '../sql/catalog.ts';
import type { SqlParams } from '../sql/sql-params.ts';
import { sqlTypeOf, typedProperty } from './property-expression.ts';
import { checkScalarValue, elementType } from './property-values.ts';

export interface PropertyFilterInput {
  readonly name: string;
  readonly eq?: unknown;
  readonly ne?: unknown;
  readonly lt?: unknown;
  readonly lte?: unknown;
  readonly gt?: unknown;
  readonly gte?: unknown;
  readonly in?: readonly unknown[] | null;
  readonly contains?: unknown;
  readonly isNull?: boolean | null;
}

export interface ObjectFilterInput {
  readonly properties?: readonly PropertyFilterInput[] | null;
  readonly externalIdIn?: readonly string[] | null;
  readonly updatedSince?: Date | null;
  readonly and?: readonly ObjectFilterInput[] | null;
  readonly or?: readonly ObjectFilterInput[] | null;
  readonly not?: ObjectFilterInput | null;
}

// Bounds on what one filter may ask of the planner; GraphQL's depth limit does not see inside
// input objects.
export const MAX_FILTER_NESTING = 5;
export const MAX_FILTER_CONDITIONS = 50;
export const MAX_LIST_VALUES = 100;

const COLUMN = 'o.properties';
const ORDERED_TYPES = new Set(['integer', 'number', 'string', 'date', 'timestamp']);

export interface FilterContext {
  readonly type: ObjectTypeRecord;
  readonly params: SqlParams;
  readonly canReadSensitive: boolean;
}

/** The SQL condition for `filter` ('TRUE' for none). */
export function compileObjectFilter(filter: ObjectFilterInput | null | undefined, context: FilterContext): string {
  if (filter === null || filter === undefined) return 'TRUE';
  const budget = { conditions: 0 };
  return compile(filter, context, 1, budget);
}

function compile(filter: ObjectFilterInput, context: FilterContext, level: number, budget: { conditions: number }): string {
  if (level > MAX_FILTER_NESTING) throw badInput(`filters nest at most ${MAX_FILTER_NESTING} levels deep`);
  const parts: string[] = [];
  const count = (n = 1): void => {
    budget.conditions += n;
    if (budget.conditions > MAX_FILTER_CONDITIONS) throw badInput(`a filter has at most ${MAX_FILTER_CONDITIONS} conditions`);
  };
  for (const property of filter.properties ?? []) {
    parts.push(...compileProperty(property, context, count));
  }
  if (filter.externalIdIn !== undefined && filter.externalIdIn !== null) {
    count();
    checkListLength('externalIdIn', filter.externalIdIn);
    parts.push(`o.external_id = ANY(${context.params.add(filter.externalIdIn)}::text[])`);
  }
  if (filter.updatedSince !== undefined && filter.updatedSince !== null) {
    count();
    parts.push(`o.updated_at >= ${context.params.add(filter.updatedSince)}::timestamptz`);
  }
  for (const nested of filter.and ?? []) parts.push(compile(nested, context, level + 1, budget));
  if (filter.or !== undefined && filter.or !== null) {
    if (filter.or.length === 0) throw badInput('or needs at least one filter');
    parts.push(`(${filter.or.map((nested) => compile(nested, context, level + 1, budget)).join(' OR ')})`);
  }
  if (filter.not !== undefined && filter.not !== null) parts.push(`NOT ${compile(filter.not, context, level + 1, budget)}`);
  return parts.length === 0 ? 'TRUE' : `(${parts.join(' AND ')})`;
}

function compileProperty(input: PropertyFilterInput, context: FilterContext, count: (n?: number) => void): string[] {
  const definition = propertyFor(context, input.name, 'filter on');
  const { params } = context;
  const { name, dataType } = definition;
  const key = params.add(name);
  const sqlType = sqlTypeOf(dataType);
  const typed = sqlType === undefined ? undefined : typedProperty(COLUMN, key, sqlType);
  const parts: string[] = [];
  const operators = ['eq', 'ne', 'lt', 'lte', 'gt', 'gte', 'in', 'contains', 'isNull'] as const;
  const given = operators.filter((operator) => input[operator] !== undefined);
  if (given.length === 0) throw badInput(`the filter on property "${name}" names no operator`);
  count(given.length);

  for (const operator of given) {
    const value = input[operator];
    if (value === null && operator !== 'isNull') throw badInput(`filter ${operator} on property "${name}" needs a value (use isNull for null)`);
    switch (operator) {
      case 'eq':
      case 'ne': {
        const condition = equality(definition, key, typed, value, operator, params);
        parts.push(operator === 'eq' ? condition : `NOT coalesce(${condition}, false)`);
        break;
      }
      case 'lt':
      case 'lte':
      case 'gt':
      case 'gte': {
        if (!ORDERED_TYPES.has(dataType) || typed === undefined || sqlType === undefined) {
          throw badInput(`filter ${operator} is not available for property "${name}" of type ${dataType}`);
        }
        checkScalarValue(name, operator, dataType, value);
        const symbol = { lt: '<', lte: '<=', gt: '>', gte: '>=' }[operator];
        parts.push(`${typed} ${symbol} ${params.add(value)}::${sqlType}`);
        break;
      }
      case 'in': {
        const values = value as readonly unknown[];
        if (typed === undefined || sqlType === undefined) throw badInput(`filter in is not available for property "${name}" of type ${dataType}`);
        checkListLength(`in on property "${name}"`, values);
        for (const item of values) checkScalarValue(name, 'in', dataType, item);
        parts.push(`${typed} = ANY(${params.add(values)}::${sqlType}[])`);
        break;
      }
      case 'contains': {
        const element = elementType(dataType);
        if (dataType === 'string' && typed !== undefined) {
          checkScalarValue(name, 'contains', 'string', value);
          // strpos rather than LIKE: no wildcard characters to escape in the client's text.
          parts.push(`strpos(lower(${typed}), lower(${params.add(value)}::text)) > 0`);
        } else if (element !== undefined) {
          checkScalarValue(name, 'contains', element, value);
          parts.push(`(${COLUMN} -> ${key}::text) @> jsonb_build_array(${params.add(JSON.stringify(value))}::jsonb)`);
        } else {
          throw badInput(`filter contains is not available for property "${name}" of type ${dataType}`);
        }
        break;
      }
      case 'isNull': {
        if (value === null) throw badInput(`filter isNull on property "${name}" needs true or false`);
        const absent = `coalesce(jsonb_typeof(${COLUMN} -> ${key}::text), 'null') = 'null'`;
        parts.push(value === true ? absent : `NOT (${absent})`);
        break;
      }
    }
  }
  return parts;
}

// Strings, numbers and booleans compare by jsonb containment, which the GIN index on
// objects.properties (jsonb_path_ops) serves; dates, timestamps and UUIDs by value, since their
// text has more than one spelling ("...Z" and "...+00:00", upper- and lower-case hex).
function equality(definition: PropertyDefinition, key: string, typed: string | undefined, value: unknown, operator: string, params: SqlParams): string {
  const { name, dataType } = definition;
  if (elementType(dataType) !== undefined) throw badInput(`filter ${operator} is not available for property "${name}" of type ${dataType}; use contains`);
  checkScalarValue(name, operator, dataType, value);
  if (dataType === 'string' || dataType === 'integer' || dataType === 'number' || dataType === 'boolean') {
    return `${COLUMN} @> jsonb_build_object(${key}::text, ${params.add(JSON.stringify(value))}::jsonb)`;
  }
  const sqlType = sqlTypeOf(dataType);
  if (sqlType === undefined || typed === undefined) return `(${COLUMN} -> ${key}::text) = ${params.add(JSON.stringify(value))}::jsonb`;
  return `${typed} = ${params.add(value)}::${sqlType}`;
}

function checkListLength(what: string, values: readonly unknown[]): void {
  if (values.length === 0) throw badInput(`${what} needs at least one value`);
  if (values.length > MAX_LIST_VALUES) throw badInput(`${what} takes at most ${MAX_LIST_VALUES} values`);
}

/** The definition of `name` in the filter's type; BAD_USER_INPUT if undefined, FORBIDDEN if sensitive and hidden from the caller. */
export function propertyFor(context: { type: ObjectTypeRecord; canReadSensitive: boolean }, name: string, use: string): PropertyDefinition {
  const definition = context.type.propertyByName.get(name);
  if (definition === undefined) throw badInput(`object type ${context.type.name} has no property "${name}"`);
  if (definition.sensitive && !context.canReadSensitive) {
    throw forbidden(`property "${name}" of ${context.type.name} is sensitive: only operator and admin may ${use} it`);
  }
  return definition;
}
