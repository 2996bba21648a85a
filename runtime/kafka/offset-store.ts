// Consumer offsets kept in Postgres (ARCHITECTURE §4), in the same transaction as the state they
// describe. Each (group, topic, partition) row carries a generation: an instance claims a
// partition by bumping it on assignment, and commits only `WHERE generation = <its claim>`. A
// paused or partitioned instance whose partition moved on therefore fails its late commit, and
// the bump waits on the row lock of an in-flight commit, so the new owner starts exactly after it.
import type { ClientBase, Pool } from 'pg';

export interface TopicPartition {
  readonly topic: string;
  readonly partition: number;
}

export interface PartitionClaim extends TopicPartition {
  /** The first offset not yet applied: where consumption resumes. */
  readonly nextOffset: number;
  readonly generation: number;
}

export const tpKey = (tp: TopicPartition): string => `${tp.topic}[${tp.partition}]`;

/** Claims the partitions for this instance (one statement), returning where to resume each. */
export async function claimPartitions(pool: Pool, group: string, partitions: readonly TopicPartition[]): Promise<PartitionClaim[]> {
  if (partitions.length === 0) return [];
  const result = await pool.query<{ topic: string; partition: number; next_offset: string; generation: string }>(
    `INSERT INTO consumer_offsets AS o (consumer_group, topic, partition, next_offset, generation)
     SELECT $1, c.topic, c.partition, 0, 1 FROM unnest($2::text[], $3::int[]) AS c(topic, partition)
     ON CONFLICT (consumer_group, topic, partition)
       DO UPDATE SET generation = o.generation + 1, updated_at = now()
     RETURNING topic, partition, next_offset, generation`,
    [group, partitions.map((p) => p.topic), partitions.map((p) => p.partition)],
  );
  return result.rows.map((row) => ({
    topic: row.topic,
    partition: row.partition,
    nextOffset: Number(row.next_offset),
    generation: Number(row.generation),
  }));
}

/**
 * Advances the stored offsets inside the caller's transaction. Returns the partitions whose
 * generation no longer matches (fenced): the caller must roll back, since another instance owns
 * them now.
 */
export async function commitOffsets(tx: ClientBase, group: string, commits: readonly PartitionClaim[]): Promise<TopicPartition[]> {
  if (commits.length === 0) return [];
  const result = await tx.query<{ topic: string; partition: number }>(
    `UPDATE consumer_offsets AS o SET next_offset = c.next_offset, updated_at = now()
     FROM unnest($2::text[], $3::int[], $4::bigint[], $5::bigint[]) AS c(topic, partition, next_offset, generation)
     WHERE o.consumer_group = $1 AND o.topic = c.topic AND o.partition = c.partition AND o.generation = c.generation
     RETURNING o.topic, o.partition`,
    [group, commits.map((c) => c.topic), commits.map((c) => c.partition), commits.map((c) => c.nextOffset), commits.map((c) => c.generation)],
  );
  const committed = new Set(result.rows.map(tpKey));
  return commits.filter((c) => !committed.has(tpKey(c))).map(({ topic, partition }) => ({ topic, partition }));
}
