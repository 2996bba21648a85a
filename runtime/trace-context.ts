// W3C Trace Context `traceparent` (https://www.w3.org/TR/trace-context/), carried as a Kafka
// header on every record (ARCHITECTURE §2), so a trace follows an event from L2 through the
// processors to the l3.* topics.
//
//   traceparent = version "-" trace-id "-" parent-id "-" trace-flags
//   version = 2HEXDIGLC, trace-id = 32HEXDIGLC, parent-id = 16HEXDIGLC, trace-flags = 2HEXDIGLC
import { randomBytes } from 'node:crypto';

export type TraceContext = {
  /** The version the header was written with; what we write is always 00. */
  version: string;
  traceId: string;
  parentId: string;
  flags: number;
  sampled: boolean;
};

export const TRACEPARENT_HEADER = 'traceparent';

const SAMPLED = 0x01;
// "trace-flags": flags this version does not define are reserved and set to zero when we write.
// Level 2 defines 0x02 (random trace-id), which still holds for a child as the trace-id is kept.
const KNOWN_FLAGS = 0x03;

const VERSION_00_LENGTH = 55;
const FIELDS = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;
const ZERO_TRACE_ID = '0'.repeat(32);
const ZERO_PARENT_ID = '0'.repeat(16);

/** Returns the parsed header, or undefined when it is not a valid traceparent. */
export function parseTraceparent(header: string | undefined | null): TraceContext | undefined {
  if (typeof header !== 'string') return undefined;
  // Optional whitespace (spaces and tabs) around the value is allowed, as around any HTTP field.
  const value = header.replace(/^[ \t]+|[ \t]+$/g, '');
  if (value.length < VERSION_00_LENGTH) return undefined;
  const version = value.slice(0, 2);
  let fields = value;
  if (version === '00') {
    if (value.length !== VERSION_00_LENGTH) return undefined;
  } else if (value.length > VERSION_00_LENGTH) {
    // "Versioning of traceparent": a later version may append fields after another dash; parse
    // the four that version 00 defines and ignore the rest.
    if (value[VERSION_00_LENGTH] !== '-') return undefined;
    fields = value.slice(0, VERSION_00_LENGTH);
  }
  const match = FIELDS.exec(fields);
  if (match === null) return undefined;
  const [, parsedVersion, traceId, parentId, flagsHex] = match as unknown as [string, string, string, string, string];
  // Version ff is forbidden; an all-zero trace-id or parent-id is invalid.
  if (parsedVersion === 'ff' || traceId === ZERO_TRACE_ID || parentId === ZERO_PARENT_ID) return undefined;
  const flags = Number.parseInt(flagsHex, 16);
  return { version: parsedVersion, traceId, parentId, flags, sampled: (flags & SAMPLED) === SAMPLED };
}

export function formatTraceparent(context: Pick<TraceContext, 'traceId' | 'parentId' | 'flags'>): string {
  const flags = (context.flags & KNOWN_FLAGS).toString(16).padStart(2, '0');
  return `00-${context.traceId}-${context.parentId}-${flags}`;
}

/** Starts a new trace: random trace and parent ids, sampled. */
export function newTraceparent(): string {
  return formatTraceparent({ traceId: randomId(16, ZERO_TRACE_ID), parentId: randomId(8, ZERO_PARENT_ID), flags: SAMPLED });
}

/**
 * The traceparent for work done on behalf of `parent`: same trace id and flags, a new parent id
 * (this hop's span). A missing or invalid parent starts a new trace, which is what the spec
 * tells a receiver of an unusable header to do.
 */
export function childTraceparent(parent: TraceContext | string | undefined | null): string {
  const context = typeof parent === 'string' || parent == null ? parseTraceparent(parent) : parent;
  if (context === undefined) return newTraceparent();
  return formatTraceparent({ traceId: context.traceId, parentId: randomId(8, ZERO_PARENT_ID), flags: context.flags });
}

export type KafkaHeaderValue = Buffer | string | null | undefined | readonly (Buffer | string | null | undefined)[];
export type KafkaHeaders = Readonly<Record<string, KafkaHeaderValue>>;

/**
 * The trace context of a Kafka record, from its `traceparent` header (a Buffer from the broker,
 * a string from a producer in the same process, an array when the header repeats). Repeated
 * headers with different values are ambiguous and count as invalid.
 */
export function traceparentFromHeaders(headers: KafkaHeaders | undefined | null): TraceContext | undefined {
  if (headers == null) return undefined;
  let raw = headers[TRACEPARENT_HEADER];
  if (raw === undefined) {
    // Kafka header keys are case-sensitive, but a producer outside L3 may have capitalised it.
    const key = Object.keys(headers).find((name) => name.toLowerCase() === TRACEPARENT_HEADER);
    if (key !== undefined) raw = headers[key];
  }
  const values = (Array.isArray(raw) ? raw : [raw]).map(headerText).filter((value): value is string => value !== undefined);
  const distinct = new Set(values);
  if (distinct.size !== 1) return undefined;
  return parseTraceparent(values[0]);
}

/** The same, from a consumed record's header list (runtime/kafka/consumed-record.ts). */
export function traceparentFromRecordHeaders(headers: readonly { readonly key: string; readonly value: Buffer | string | null }[]): TraceContext | undefined {
  const byName: Record<string, (Buffer | string | null)[]> = {};
  for (const header of headers) (byName[header.key] ??= []).push(header.value);
  return traceparentFromHeaders(byName);
}

function headerText(value: Buffer | string | null | undefined): string | undefined {
  if (value == null) return undefined;
  return typeof value === 'string' ? value : value.toString('latin1');
}

// Ids are cut from a pool of random bytes: a processor makes one span id per change it writes,
// and a call into the CSPRNG for every 8 bytes cost more than the rest of building the record.
const POOL_SIZE = 8192;
let pool = Buffer.alloc(0);
let poolOffset = 0;

function randomId(bytes: number, zero: string): string {
  for (;;) {
    if (poolOffset + bytes > pool.length) {
      pool = randomBytes(POOL_SIZE);
      poolOffset = 0;
    }
    const id = pool.toString('hex', poolOffset, poolOffset + bytes);
    poolOffset += bytes;
    if (id !== zero) return id;
  }
}
