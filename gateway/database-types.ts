// How the gateway's pool turns column text into values. Only timestamptz differs from node-pg's
// defaults: its parser (a regular expression and a Date built from parts) was the largest single
// item of the gateway's CPU profile on object pages, since every object and link row carries
// timestamps. Values in UTC ('YYYY-MM-DD HH:MM:SS[.ffffff]+00', what this project's servers
// send) are handed to Date's own ISO parser; anything else (another offset, BC, infinity, a
// year beyond 9999) goes to the default parser, so results are the same.
import pg from 'pg';

const TIMESTAMPTZ_OID = 1184;
const defaultTimestamptz = pg.types.getTypeParser(TIMESTAMPTZ_OID, 'text') as (text: string) => Date | string;

export function parseTimestamptz(text: string): Date | string {
  // 'YYYY-MM-DD HH:MM:SS' is 19 characters; then an optional fraction; then '+00'.
  if (text.length >= 22 && text.charCodeAt(4) === 45 && text.charCodeAt(10) === 32 && text.endsWith('+00') && text.charCodeAt(text.length - 4) !== 58) {
    const date = new Date(`${text.slice(0, 10)}T${text.slice(11, -3)}Z`);
    if (!Number.isNaN(date.getTime())) return date;
  }
  return defaultTimestamptz(text);
}

/** For `new pg.Pool({ types })`. */
export const gatewayTypes = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === TIMESTAMPTZ_OID && format !== 'binary' ? parseTimestamptz : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
};
