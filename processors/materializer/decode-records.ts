// Turns consumed records into typed events, or dead letters when the bytes cannot be decoded
// (ARCHITECTURE §5: undecodable bytes, unknown schema ids). A registry outage is transient and
// thrown, so the batch is retried rather than parked.
import { LinkChangeSchema, type LinkChange } from '../../contracts/generated/link-change.ts';
import { ObjectChangeSchema, type ObjectChange } from '../../contracts/generated/object-change.ts';
import { TypeDefChangeSchema, type TypeDefChange } from '../../contracts/generated/type-def-change.ts';
import { SerdeError, type AvroRecordSchema, type AvroSerde } from '../../contracts/serde/index.ts';
import type { ConsumedRecord, DeadLetter } from '../../runtime/kafka/consumed-record.ts';

export interface MaterializerTopics {
  readonly typedefs: string;
  readonly objects: string;
  readonly links: string;
}

export type DecodedEvent =
  | { readonly kind: 'typedef'; readonly source: ConsumedRecord; readonly value: TypeDefChange }
  | { readonly kind: 'object'; readonly source: ConsumedRecord; readonly value: ObjectChange }
  | { readonly kind: 'link'; readonly source: ConsumedRecord; readonly value: LinkChange };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function decodeRecords(
  serde: AvroSerde,
  topics: MaterializerTopics,
  records: readonly ConsumedRecord[],
): Promise<{ events: DecodedEvent[]; deadLetters: DeadLetter[] }> {
  const events: DecodedEvent[] = [];
  const deadLetters: DeadLetter[] = [];
  for (const record of records) {
    const kind = record.topic === topics.typedefs ? 'typedef' : record.topic === topics.objects ? 'object' : record.topic === topics.links ? 'link' : undefined;
    if (!kind) {
      deadLetters.push({ record, errorClass: 'UNEXPECTED_TOPIC', errorMessage: `the materializer does not consume ${record.topic}` });
      continue;
    }
    const schema: AvroRecordSchema = kind === 'typedef' ? TypeDefChangeSchema : kind === 'object' ? ObjectChangeSchema : LinkChangeSchema;
    try {
      const { value } = await serde.decode<{ tenantId: string }>(record.value, schema);
      if (!UUID.test(value.tenantId)) {
        deadLetters.push({ record, errorClass: 'INVALID_TENANT', errorMessage: `tenantId "${value.tenantId}" is not a UUID` });
        continue;
      }
      events.push({ kind, source: record, value } as DecodedEvent);
    } catch (error) {
      if (error instanceof SerdeError && !error.retryable) {
        deadLetters.push({ record, errorClass: error.code, errorMessage: error.message });
        continue;
      }
      throw error;
    }
  }
  return { events, deadLetters };
}
