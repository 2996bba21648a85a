// Checks a filter value against a property's data type (the JSON shapes of migration 0002's
// comment), so a wrong value is BAD_USER_INPUT naming the property instead of a cast error in
// Postgres. Also checks the text a cursor carries for each SQL type.
import { badInput } from '../errors.ts';
import type { PropertyDataType } from '../sql/catalog.ts';
import type { SqlType } from './property-expression.ts';

const FULL_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
// RFC 3339 §5.6 date-time.
const DATE_TIME = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const NUMERIC_TEXT = /^-?\d+(\.\d+)?$/;
const CURSOR_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

/** Throws BAD_USER_INPUT unless `value` is a value of `dataType` (a scalar type; arrays' elements use their element type). */
export function checkScalarValue(property: string, operator: string, dataType: PropertyDataType, value: unknown): void {
  if (!isScalarValue(dataType, value)) {
    throw badInput(`filter ${operator} on property "${property}" expects ${describeType(dataType)}, got ${JSON.stringify(value) ?? 'undefined'}`);
  }
}

function isScalarValue(dataType: PropertyDataType, value: unknown): boolean {
  switch (dataType) {
    case 'string':
      // Postgres text and jsonb cannot hold U+0000.
      return typeof value === 'string' && !value.includes('\u0000');
    case 'integer':
      return Number.isSafeInteger(value);
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'date':
      return typeof value === 'string' && isCalendarDate(value);
    case 'timestamp':
      return typeof value === 'string' && DATE_TIME.test(value) && !Number.isNaN(Date.parse(value));
    case 'uuid':
      return typeof value === 'string' && UUID.test(value);
    case 'json':
      return !JSON.stringify(value ?? null).includes('\\u0000');
    case 'string_array':
    case 'integer_array':
    case 'number_array':
      return false;
  }
}

/** The element type of an array data type. */
export function elementType(dataType: PropertyDataType): PropertyDataType | undefined {
  if (dataType === 'string_array') return 'string';
  if (dataType === 'integer_array') return 'integer';
  if (dataType === 'number_array') return 'number';
  return undefined;
}

function describeType(dataType: PropertyDataType): string {
  switch (dataType) {
    case 'string':
      return 'a string';
    case 'integer':
      return 'an integer';
    case 'number':
      return 'a number';
    case 'boolean':
      return 'true or false';
    case 'date':
      return 'a date (YYYY-MM-DD)';
    case 'timestamp':
      return 'an RFC 3339 date-time';
    case 'uuid':
      return 'a UUID';
    default:
      return dataType;
  }
}

function isCalendarDate(value: string): boolean {
  const match = FULL_DATE.exec(value);
  if (match === null) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** Whether a cursor's text for a key of `sqlType` casts cleanly (a forged cursor is BAD_USER_INPUT, not a database error). */
export function isCursorText(sqlType: SqlType, text: string): boolean {
  switch (sqlType) {
    case 'text':
      return !text.includes('\u0000');
    case 'numeric':
      return NUMERIC_TEXT.test(text);
    case 'boolean':
      return text === 'true' || text === 'false';
    case 'date':
      return isCalendarDate(text);
    case 'timestamptz':
      return CURSOR_TIMESTAMP.test(text) && !Number.isNaN(Date.parse(text));
    case 'uuid':
      return UUID.test(text);
  }
}

export function isUuid(value: string): boolean {
  return UUID.test(value);
}
