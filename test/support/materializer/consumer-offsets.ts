// The offsets a materializer group stored in Postgres with its state (ARCHITECTURE §4): where each
// partition resumes and the generation of the instance that last claimed it.
import pg from 'pg';
import type { MaterializerEnvironment } from './harness.ts';

export interface StoredOffset {
  readonly nextOffset: number;
  readonly generation: number;
}

/** By `topic[partition]`. */
export async function readConsumerOffsets(env: MaterializerEnvironment): Promise<Map<string, StoredOffset>> {
  const client = new pg.Client({ connectionString: env.db.admin });
  await client.connect();
  try {
    const { rows } = await client.query<{ topic: string; partition: number; next_offset: string; generation: string }>(
      'SELECT topic, partition, next_offset::text, generation::text FROM consumer_offsets WHERE consumer_group = $1',
      [env.groupId],
    );
    return new Map(rows.map((row) => [`${row.topic}[${row.partition}]`, { nextOffset: Number(row.next_offset), generation: Number(row.generation) }]));
  } finally {
    await client.end();
  }
}

/** Records applied so far over every partition of the group. */
export async function appliedRecordCount(env: MaterializerEnvironment): Promise<number> {
  let total = 0;
  for (const { nextOffset } of (await readConsumerOffsets(env)).values()) total += nextOffset;
  return total;
}
