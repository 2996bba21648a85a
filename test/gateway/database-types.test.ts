// The gateway's timestamptz parser gives what node-pg's default parser gives, for every shape
// Postgres can send, on the fast path and off it.
import pg from 'pg';
import t from 'tap';
import { parseTimestamptz } from '../../gateway/database-types.ts';

const reference = pg.types.getTypeParser(1184, 'text') as (text: string) => Date | string;
const same = (text: string) => {
  const ours = parseTimestamptz(text);
  const theirs = reference(text);
  return ours instanceof Date && theirs instanceof Date ? ours.getTime() === theirs.getTime() || (Number.isNaN(ours.getTime()) && Number.isNaN(theirs.getTime())) : ours === theirs;
};

t.test('fixed cases: fractions, offsets, BC, infinity, far years', async (t) => {
  for (const text of [
    '2026-11-27 18:45:33+00',
    '2026-11-27 18:45:33.5+00',
    '2026-11-27 18:45:33.123456+00',
    '2026-11-27 18:45:33.999999+00',
    '1970-01-01 00:00:00+00',
    '0099-01-01 00:00:00+00',
    '2026-11-27 18:45:33.123+02',
    '2026-11-27 18:45:33-05:30',
    '2026-11-27 18:45:33+05:45:12',
    '0044-03-15 12:00:00+00 BC',
    '12026-01-01 00:00:00+00',
    'infinity',
    '-infinity',
  ]) {
    t.ok(same(text), text);
  }
});

t.test('random UTC timestamps agree with the default parser', async (t) => {
  let seed = 7;
  const next = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
  let failures = 0;
  for (let i = 0; i < 5000; i++) {
    const ms = Math.floor(next() * 4_000_000_000_000) - 1_000_000_000_000;
    const iso = new Date(ms).toISOString();
    const micros = String(Math.floor(next() * 1_000_000)).padStart(6, '0');
    const fraction = ['', `.${micros.slice(0, 1 + Math.floor(next() * 6))}`][Math.floor(next() * 2)];
    const text = `${iso.slice(0, 10)} ${iso.slice(11, 19)}${fraction}+00`;
    if (!same(text)) failures++;
  }
  t.equal(failures, 0);
});
