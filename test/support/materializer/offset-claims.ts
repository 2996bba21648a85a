// What `consumer_offsets` says about a test's consumer group (runtime/kafka/offset-store.ts):
// where each partition resumes and which claim (generation) may commit it.
import pg from 'pg';
import type { MaterializerEnvironment } from './harness.ts';

export interface OffsetClaim {
  readonly topic: string;
  readonly partition: number;
  readonly nextOffset: number;
  readonly generation: number;
}

/** Every stored partition of the group, ordered by topic and partition. */
export async function readOffsetClaims(env: MaterializerEnvironment): Promise<OffsetClaim[]> {
  const client = new pg.Client({ connectionString: env.db.admin });
  await client.connect();
  try {
    const { rows } = await client.query<{ topic: string; partition: number; next_offset: string; generation: string }>(
      'SELECT topic, partition, next_offset, generation FROM consumer_offsets WHERE consumer_group = $1 ORDER BY topic, partition',
      [env.groupId],
    );
    return rows.map((row) => ({ topic: row.topic, partition: row.partition, nextOffset: Number(row.next_offset), generation: Number(row.generation) }));
  } finally {
    await client.end();
  }
}

/** Records of the input topics committed so far (every partition starts at offset 0). */
export async function committedRecords(env: MaterializerEnvironment): Promise<number> {
  return (await readOffsetClaims(env)).reduce((sum, claim) => sum + claim.nextOffset, 0);
}
