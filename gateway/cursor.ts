// Opaque pagination cursors: base64url of a small JSON document holding the sort values of the
// last row and its id (keyset pagination). Opaque to clients, not secret: a cursor only says
// where to continue, and the query it feeds runs under the caller's tenant, so a cursor copied
// from, or forged to point into, another tenant returns the caller's own rows after that
// position and nothing else. What is checked is the shape, so a forged cursor is
// BAD_USER_INPUT instead of a database error.
import { badInput } from './errors.ts';

export interface CursorPayload {
  /** What the cursor pages through (objects, proposals, audit), so cursors are not mixed up. */
  readonly kind: string;
  /** Fingerprint of the ordering it was made for: a cursor of another ordering is refused. */
  readonly ordering: string;
  /** The sort values of the last row, as text that casts back exactly (null for a missing value). */
  readonly values: readonly (string | null)[];
  /** The last row's id, the tiebreaker. */
  readonly id: string;
}

const MAX_CURSOR_LENGTH = 4096;

export function encodeCursor(payload: CursorPayload): string {
  const document = { k: payload.kind, o: payload.ordering, v: payload.values, i: payload.id };
  return Buffer.from(JSON.stringify(document), 'utf8').toString('base64url');
}

/** Decodes `cursor`, which must be of `kind`, made for `ordering` and carry `valueCount` values. */
export function decodeCursor(cursor: string, kind: string, ordering: string, valueCount: number): CursorPayload {
  if (cursor.length > MAX_CURSOR_LENGTH || !/^[A-Za-z0-9_-]*$/.test(cursor)) throw badInput('malformed cursor');
  let document: unknown;
  try {
    document = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw badInput('malformed cursor');
  }
  const { k, o, v, i } = (typeof document === 'object' && document !== null ? document : {}) as Record<string, unknown>;
  if (k !== kind) throw badInput(`this cursor does not belong to ${kind}`);
  if (o !== ordering) throw badInput('this cursor was made for another ordering; start again without `after`');
  if (typeof i !== 'string' || !Array.isArray(v) || v.length !== valueCount || !v.every((value) => value === null || typeof value === 'string')) {
    throw badInput('malformed cursor');
  }
  return { kind, ordering, values: v as (string | null)[], id: i };
}
