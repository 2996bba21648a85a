// ObjectOrder (schema.graphql) -> sort keys, the ORDER BY, and the keyset condition "after this
// cursor". The object's id always ends the ordering, so the order is total and pages neither
// overlap nor skip. Missing property values sort last in both directions; the keyset condition
// spells that out, since SQL comparisons with NULL are neither true nor false.
import { createHash } from 'node:crypto';
import { badInput } from '../errors.ts';
import type { ObjectTypeRecord } from '../sql/catalog.ts';
import type { SqlParams } from '../sql/sql-params.ts';
import { propertyFor } from './object-filter.ts';
import { sqlTypeOf, typedProperty, type SqlType } from './property-expression.ts';
import { isCursorText, isUuid } from './property-values.ts';

export type SortDirection = 'ASC' | 'DESC';
export type ObjectOrderField = 'EXTERNAL_ID' | 'UPDATED_AT' | 'CREATED_AT';

export interface ObjectOrderInput {
  readonly field?: ObjectOrderField | null;
  readonly property?: string | null;
  readonly direction?: SortDirection | null;
}

export interface SortKey {
  /** Names the key in the ordering's fingerprint. */
  readonly label: string;
  readonly sql: string;
  readonly sqlType: SqlType;
  readonly direction: SortDirection;
  /** Whether the expression can be NULL (properties can; built-in columns cannot). */
  readonly nullable: boolean;
}

export const MAX_ORDER_KEYS = 3;

const FIELDS: Record<ObjectOrderField, { sql: string; sqlType: SqlType }> = {
  EXTERNAL_ID: { sql: 'o.external_id', sqlType: 'text' },
  UPDATED_AT: { sql: 'o.updated_at', sqlType: 'timestamptz' },
  CREATED_AT: { sql: 'o.created_at', sqlType: 'timestamptz' },
};

const DEFAULT_ORDER: readonly ObjectOrderInput[] = [{ field: 'EXTERNAL_ID', direction: 'ASC' }];

export function sortKeys(
  orderBy: readonly ObjectOrderInput[] | null | undefined,
  context: { type: ObjectTypeRecord; params: SqlParams; canReadSensitive: boolean },
): SortKey[] {
  const inputs = orderBy === null || orderBy === undefined || orderBy.length === 0 ? DEFAULT_ORDER : orderBy;
  if (inputs.length > MAX_ORDER_KEYS) throw badInput(`orderBy takes at most ${MAX_ORDER_KEYS} keys`);
  return inputs.map((input) => {
    const direction = input.direction ?? 'ASC';
    const hasField = input.field !== undefined && input.field !== null;
    const hasProperty = input.property !== undefined && input.property !== null;
    if (hasField === hasProperty) throw badInput('each orderBy key names exactly one of field and property');
    if (hasField) {
      const field = FIELDS[input.field!];
      return { label: `field:${input.field}`, sql: field.sql, sqlType: field.sqlType, direction, nullable: false };
    }
    const definition = propertyFor(context, input.property!, 'order by');
    const sqlType = sqlTypeOf(definition.dataType);
    if (sqlType === undefined) throw badInput(`property "${definition.name}" of type ${definition.dataType} cannot be ordered by`);
    const sql = typedProperty('o.properties', context.params.add(definition.name), sqlType);
    return { label: `property:${definition.name}:${sqlType}`, sql, sqlType, direction, nullable: true };
  });
}

export function orderByClause(keys: readonly SortKey[]): string {
  return [...keys.map((key) => `${key.sql} ${key.direction} NULLS LAST`), 'o.id ASC'].join(', ');
}

/** Fingerprint of an ordering of one type: a cursor is only valid for the ordering it came from. */
export function orderingFingerprint(typeId: string, keys: readonly SortKey[]): string {
  const text = JSON.stringify([typeId, keys.map((key) => [key.label, key.direction])]);
  return createHash('sha256').update(text).digest('base64url').slice(0, 16);
}

/** The condition selecting the rows after the cursor's position (`values` are its sort values, `id` its row). */
export function afterCondition(keys: readonly SortKey[], values: readonly (string | null)[], id: string, params: SqlParams): string {
  if (!isUuid(id)) throw badInput('malformed cursor');
  keys.forEach((key, index) => {
    const value = values[index];
    if (value === null ? !key.nullable : value === undefined || !isCursorText(key.sqlType, value)) throw badInput('malformed cursor');
  });
  const after = (index: number): string => {
    const key = keys[index];
    if (key === undefined) return `o.id > ${params.add(id)}::uuid`;
    const value = values[index] ?? null;
    const rest = after(index + 1);
    // Missing values come last: after a missing value only other missing values follow.
    if (value === null) return `(${key.sql} IS NULL AND ${rest})`;
    const cast = `${params.add(value)}::${key.sqlType}`;
    const beyond = `${key.sql} ${key.direction === 'ASC' ? '>' : '<'} ${cast}`;
    const tie = `(${key.sql} = ${cast} AND ${rest})`;
    return key.nullable ? `(${key.sql} IS NULL OR ${beyond} OR ${tie})` : `(${beyond} OR ${tie})`;
  };
  return after(0);
}
