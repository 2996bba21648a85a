// Validation of an object's or link's properties against its type's property definitions
// (docs/adr/0004-materializer-semantics.md, "Objects"): pure, so the materializer and the test
// oracle (test/support/materializer/reference-fold.ts) apply exactly the same rules.

/** The Avro contract's PropertyDataType symbols (contracts/avro/TypeDefChange.avsc). */
export type PropertyDataType =
  | 'STRING'
  | 'INTEGER'
  | 'NUMBER'
  | 'BOOLEAN'
  | 'TIMESTAMP'
  | 'DATE'
  | 'JSON'
  | 'STRING_ARRAY'
  | 'INTEGER_ARRAY'
  | 'NUMBER_ARRAY'
  | 'UUID';

/** What validation needs of a property definition (a subset of the contract's PropertyDef). */
export interface PropertyDefinition {
  name: string;
  dataType: PropertyDataType;
  required: boolean;
}

export interface PropertyProblem {
  /** The property's name; `$` for a problem with the document as a whole. */
  property: string;
  problem: string;
}

export type PropertiesValidation =
  | { ok: true; properties: Record<string, unknown> }
  | { ok: false; problems: PropertyProblem[] };

/** The column's dimension (migrations/0003: `embedding vector(384)`). */
export const EMBEDDING_DIMENSION = 384;

// RFC 3339 §5.6 date-time. The ABNF's "T" and "Z" are case-insensitive (RFC 5234 §2.3); a
// space instead of "T" is only allowed "by mutual agreement", which L2 and L3 have not made.
const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(?:[Zz]|[+-](\d{2}):(\d{2}))$/;
const FULL_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
// Any version and variant, as Postgres' uuid type reads it when canonical.
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Parses `json` (an UPSERT's `properties`; null means no properties) and checks it against
 * `defs`: a JSON object, every required property present and non-null, no property the type
 * does not define, every value of its definition's data type (null allowed when not required).
 * `typeName` only makes the messages say which type did not define a property.
 * All problems are reported, not just the first, so a dead letter names every bad property.
 */
export function parseAndValidateProperties(
  defs: readonly PropertyDefinition[],
  json: string | null,
  typeName?: string,
): PropertiesValidation {
  let parsed: unknown;
  if (json === null) {
    parsed = {};
  } else {
    try {
      parsed = JSON.parse(json);
    } catch (error) {
      return { ok: false, problems: [{ property: '$', problem: `not valid JSON: ${(error as Error).message}` }] };
    }
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return { ok: false, problems: [{ property: '$', problem: `expected a JSON object, got ${describe(parsed)}` }] };
  }
  const properties = parsed as Record<string, unknown>;

  const problems: PropertyProblem[] = [];
  const defined = new Map(defs.map((def) => [def.name, def]));
  for (const name of Object.keys(properties)) {
    if (!defined.has(name)) {
      problems.push({ property: name, problem: typeName === undefined ? 'not defined by the type' : `not defined by type ${typeName}` });
    }
  }
  for (const def of defs) {
    const value = Object.hasOwn(properties, def.name) ? properties[def.name] : undefined;
    if (value === undefined || value === null) {
      if (def.required) {
        problems.push({ property: def.name, problem: value === null ? 'required property is null' : 'required property missing' });
      }
      continue;
    }
    const problem = checkValue(def.dataType, value);
    if (problem !== undefined) problems.push({ property: def.name, problem });
  }
  return problems.length === 0 ? { ok: true, properties } : { ok: false, problems };
}

/**
 * Checks an embedding for the `vector(dimension)` column: the right length and every component
 * a finite float4 (pgvector refuses NaN and infinity). Returns the problem, or undefined.
 */
export function validateEmbedding(embedding: number[] | null, dimension = EMBEDDING_DIMENSION): string | undefined {
  if (embedding === null) return undefined;
  if (embedding.length !== dimension) {
    return `expected ${dimension} dimensions, got ${embedding.length}`;
  }
  for (let i = 0; i < embedding.length; i++) {
    const component = embedding[i];
    // Math.fround: a double beyond float4's range becomes Infinity in the column.
    if (typeof component !== 'number' || !Number.isFinite(Math.fround(component))) {
      return `component ${i} is not a finite float4: ${String(component)}`;
    }
  }
  return undefined;
}

function checkValue(dataType: PropertyDataType, value: unknown): string | undefined {
  switch (dataType) {
    case 'STRING_ARRAY':
      return checkArray(dataType, 'STRING', value);
    case 'INTEGER_ARRAY':
      return checkArray(dataType, 'INTEGER', value);
    case 'NUMBER_ARRAY':
      return checkArray(dataType, 'NUMBER', value);
    default: {
      const problem = checkScalar(dataType, value);
      return problem === undefined ? undefined : `expected ${dataType}, got ${problem}`;
    }
  }
}

function checkArray(dataType: PropertyDataType, itemType: PropertyDataType, value: unknown): string | undefined {
  if (!Array.isArray(value)) return `expected ${dataType}, got ${describe(value)}`;
  for (let i = 0; i < value.length; i++) {
    const problem = checkScalar(itemType, value[i]);
    if (problem !== undefined) return `expected ${dataType}, item ${i} is ${problem}`;
  }
  return undefined;
}

// Returns a description of what `value` is when it is not of `dataType`.
function checkScalar(dataType: PropertyDataType, value: unknown): string | undefined {
  switch (dataType) {
    case 'STRING':
      return typeof value === 'string' ? undefined : describe(value);
    case 'INTEGER':
      if (typeof value !== 'number') return describe(value);
      if (Number.isSafeInteger(value)) return undefined;
      // A JSON integer above 2^53 has already been rounded by JSON.parse: refuse rather than
      // store a different number than the source sent.
      return Number.isInteger(value) ? `${describe(value)} (beyond the safe integer range)` : describe(value);
    case 'NUMBER':
      return typeof value === 'number' && Number.isFinite(value) ? undefined : describe(value);
    case 'BOOLEAN':
      return typeof value === 'boolean' ? undefined : describe(value);
    case 'TIMESTAMP':
      return typeof value === 'string' && isDateTime(value) ? undefined : describe(value);
    case 'DATE':
      return typeof value === 'string' && isFullDate(value) ? undefined : describe(value);
    case 'UUID':
      return typeof value === 'string' && UUID.test(value) ? undefined : describe(value);
    case 'JSON':
      return undefined;
    default:
      // An array type as an item type cannot happen; a data type the code does not know can,
      // if the contract gains a symbol before this file does.
      return `a value of unsupported data type ${String(dataType)}`;
  }
}

function isFullDate(text: string): boolean {
  const match = FULL_DATE.exec(text);
  return match !== null && isCalendarDate(Number(match[1]), Number(match[2]), Number(match[3]));
}

function isDateTime(text: string): boolean {
  const match = DATE_TIME.exec(text);
  if (match === null) return false;
  const [, year, month, day, hour, minute, second, offsetHour, offsetMinute] = match.map(Number) as number[];
  if (!isCalendarDate(year!, month!, day!)) return false;
  // RFC 3339 allows second 60 (a leap second), but Date cannot represent it, nor can Postgres.
  if (hour! > 23 || minute! > 59 || second! > 59) return false;
  if (match[8] !== undefined && (offsetHour! > 23 || offsetMinute! > 59)) return false;
  // Date.parse alone is not enough: V8 rolls 2025-02-30 over to March.
  return !Number.isNaN(Date.parse(text));
}

function isCalendarDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]!;
  return day <= days;
}

// A short rendering of an offending value for a dead letter's message.
function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  // String, not JSON.stringify: JSON.parse turns 1e400 into Infinity, which stringifies as null.
  if (typeof value === 'number') return String(value);
  if (Array.isArray(value)) return `an array (${truncate(JSON.stringify(value))})`;
  if (typeof value === 'object' && value !== null) return `an object (${truncate(JSON.stringify(value))})`;
  return truncate(JSON.stringify(value));
}

function truncate(text: string): string {
  return text.length <= 60 ? text : `${text.slice(0, 57)}...`;
}
