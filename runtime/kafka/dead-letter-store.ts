// Dead letters are written to Postgres in the batch's transaction (so a replay cannot park a record
// twice: one row per group/topic/partition/offset) and published to `<topic>.dlq` by the relay.
import type { ClientBase } from 'pg';
import type { DeadLetter } from './consumed-record.ts';

export async function storeDeadLetters(
  tx: ClientBase,
  options: { group: string; processor: string; dlqTopicOf: (topic: string) => string },
  deadLetters: readonly DeadLetter[],
): Promise<{ topic: string; errorClass: string }[]> {
  if (deadLetters.length === 0) return [];
  const column = <T>(pick: (d: DeadLetter) => T): T[] => deadLetters.map(pick);
  const { rows } = await tx.query<{ source_topic: string; error_class: string }>(
    `INSERT INTO dead_letters (consumer_group, source_topic, source_partition, source_offset, dlq_topic,
       record_key, record_value, record_headers, error_class, error_message, processor)
     SELECT $1, d.topic, d.partition, d.record_offset, d.dlq_topic, d.record_key, d.record_value, d.record_headers,
       d.error_class, d.error_message, $2
     FROM unnest($3::text[], $4::int[], $5::bigint[], $6::text[], $7::bytea[], $8::bytea[], $9::jsonb[], $10::text[], $11::text[])
       AS d(topic, partition, record_offset, dlq_topic, record_key, record_value, record_headers, error_class, error_message)
     ON CONFLICT (consumer_group, source_topic, source_partition, source_offset) DO NOTHING
     RETURNING source_topic, error_class`,
    [
      options.group,
      options.processor,
      column((d) => d.record.topic),
      column((d) => d.record.partition),
      column((d) => d.record.offset),
      column((d) => options.dlqTopicOf(d.record.topic)),
      column((d) => d.record.key),
      column((d) => d.record.value),
      column((d) => JSON.stringify(d.record.headers.map((h) => [h.key, h.value.toString('base64')]))),
      column((d) => d.errorClass),
      // Postgres text cannot hold NUL; messages come from decoders and may quote raw bytes.
      column((d) => d.errorMessage.replaceAll('\u0000', '\\0').slice(0, 4000)),
    ],
  );
  return rows.map((row) => ({ topic: row.source_topic, errorClass: row.error_class }));
}
