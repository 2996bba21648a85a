// Typed SQL expressions over `objects.properties`, for filters and orderings. Each reads the
// property as its definition's type, or as NULL when the stored value is not of that type: a
// type definition may change after objects were written (existing objects are not re-validated,
// ADR 0004), and one odd value must make that object not match, not fail the whole query with a
// cast error. The property name is always a parameter (`keyParam`), never SQL text.
import type { PropertyDataType } from '../sql/catalog.ts';

/** The Postgres types values are compared as. */
export type SqlType = 'text' | 'numeric' | 'boolean' | 'date' | 'timestamptz' | 'uuid';

export interface TypedExpression {
  readonly sql: string;
  readonly sqlType: SqlType;
}

const COMPARABLE: Partial<Record<PropertyDataType, SqlType>> = {
  string: 'text',
  integer: 'numeric',
  number: 'numeric',
  boolean: 'boolean',
  date: 'date',
  timestamp: 'timestamptz',
  uuid: 'uuid',
};

/** The SQL type a property of `dataType` is compared and ordered as; undefined for JSON and arrays. */
export function sqlTypeOf(dataType: PropertyDataType): SqlType | undefined {
  return COMPARABLE[dataType];
}

/** `column ->> key` as `sqlType`, NULL when absent, null or of another JSON type. */
export function typedProperty(column: string, keyParam: string, sqlType: SqlType): string {
  const raw = `${column} -> ${keyParam}::text`;
  const text = `${column} ->> ${keyParam}::text`;
  switch (sqlType) {
    case 'text':
      return `(CASE WHEN jsonb_typeof(${raw}) = 'string' THEN ${text} END)`;
    case 'numeric':
      return `(CASE WHEN jsonb_typeof(${raw}) = 'number' THEN (${text})::numeric END)`;
    case 'boolean':
      return `(CASE WHEN jsonb_typeof(${raw}) = 'boolean' THEN (${text})::boolean END)`;
    // pg_input_is_valid (PostgreSQL 16) guards the cast: a malformed string reads as NULL.
    case 'date':
    case 'timestamptz':
    case 'uuid':
      return `(CASE WHEN jsonb_typeof(${raw}) = 'string' AND pg_input_is_valid(${text}, '${sqlType}') THEN (${text})::${sqlType} END)`;
  }
}

/**
 * The value of a typed expression as text that casts back to exactly the same value: what a
 * cursor stores. Timestamps keep their microseconds (a JavaScript Date would lose them, and with
 * them the position between two rows updated in the same millisecond).
 */
export function cursorText(expression: string, sqlType: SqlType): string {
  switch (sqlType) {
    case 'timestamptz':
      return `to_char(${expression} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
    case 'date':
      return `to_char(${expression}, 'YYYY-MM-DD')`;
    default:
      return `(${expression})::text`;
  }
}
