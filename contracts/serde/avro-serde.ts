// Avro values in the Confluent wire format: magic byte 0, a 4-byte big-endian schema id, then the
// Avro binary body. Built on avsc (through @kafkajs/confluent-schema-registry, which caches
// writer schemas by id) plus a per-subject cache of the id of our own writer schema, so the
// registry is asked once per subject and process, never once per record.
import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import avro from 'avsc';
import type { AvroRecordSchema } from './avro-schema.ts';
import { SerdeError } from './serde-error.ts';

const MAGIC_BYTE = 0;
const HEADER_LENGTH = 5;

export interface DecodedValue<T> {
  readonly schemaId: number;
  readonly value: T;
}

export class AvroSerde {
  readonly #registry: SchemaRegistry;
  readonly #writerIds = new Map<string, Promise<number>>();
  readonly #readerTypes = new WeakMap<AvroRecordSchema, avro.Type>();
  readonly #resolvers = new Map<string, avro.Resolver>();

  constructor(registry: SchemaRegistry) {
    this.#registry = registry;
  }

  static connect(registryUrl: string): AvroSerde {
    return new AvroSerde(new SchemaRegistry({ host: registryUrl, retry: { retries: 5 } }));
  }

  /**
   * The registry id of `schema` under `subject`. The schema must already be registered
   * (`l3 contracts register`): producers look their schema up, they never register it, so a schema
   * change cannot reach a topic without passing the compatibility check.
   */
  writerSchemaId(subject: string, schema: AvroRecordSchema): Promise<number> {
    let id = this.#writerIds.get(subject);
    if (!id) {
      id = this.#registry.getRegistryIdBySchema(subject, { type: SchemaType.AVRO, schema: JSON.stringify(schema) });
      // A failed lookup (registry down) must be retried by the next call, not cached.
      id.catch(() => this.#writerIds.delete(subject));
      this.#writerIds.set(subject, id);
    }
    return id;
  }

  async encode<T>(subject: string, schema: AvroRecordSchema, value: T): Promise<Buffer> {
    let id: number;
    try {
      id = await this.writerSchemaId(subject, schema);
    } catch (cause) {
      if (isNotFound(cause)) throw new SerdeError('SCHEMA_NOT_REGISTERED', `schema ${schema.name} is not registered under subject ${subject}`, { cause, retryable: false });
      throw new SerdeError('REGISTRY_UNAVAILABLE', `schema registry unreachable while looking up ${schema.name} under ${subject}: ${(cause as Error).message}`, { cause, retryable: true });
    }
    try {
      return await this.#registry.encode(id, value);
    } catch (cause) {
      throw new SerdeError('INVALID_VALUE', `value does not match ${schema.name}: ${(cause as Error).message}`, { cause, retryable: false });
    }
  }

  /**
   * Decodes a wire-format value. With `readerSchema`, the writer's schema is resolved to it
   * (Avro schema resolution), so a consumer reads old and new records as the shape it knows.
   */
  async decode<T>(buffer: Buffer | null | undefined, readerSchema?: AvroRecordSchema): Promise<DecodedValue<T>> {
    if (!buffer || buffer.length < HEADER_LENGTH) {
      throw new SerdeError('MALFORMED', `value is ${buffer ? `${buffer.length} bytes` : 'empty'}, shorter than the ${HEADER_LENGTH}-byte wire header`, { retryable: false });
    }
    if (buffer.readUInt8(0) !== MAGIC_BYTE) {
      throw new SerdeError('MALFORMED', `unknown magic byte ${buffer.readUInt8(0)} (expected ${MAGIC_BYTE})`, { retryable: false });
    }
    const schemaId = buffer.readInt32BE(1);
    let writerType: avro.Type;
    try {
      writerType = (await this.#registry.getSchema(schemaId)) as unknown as avro.Type;
    } catch (cause) {
      // Only the registry's own "not found" makes an id unknown; anything else (refused
      // connection, timeout, 5xx) may pass, so the record must wait rather than be parked.
      if (isNotFound(cause)) throw new SerdeError('UNKNOWN_SCHEMA', `schema id ${schemaId} is not known to the registry`, { cause, retryable: false });
      throw new SerdeError('REGISTRY_UNAVAILABLE', `schema registry unreachable while fetching schema ${schemaId}: ${(cause as Error).message}`, { cause, retryable: true });
    }
    try {
      const body = buffer.subarray(HEADER_LENGTH);
      if (!readerSchema) return { schemaId, value: writerType.fromBuffer(body) as T };
      const { readerType, resolver } = this.#resolverFor(schemaId, writerType, readerSchema);
      return { schemaId, value: readerType.fromBuffer(body, resolver) as T };
    } catch (cause) {
      throw new SerdeError('MALFORMED', `value with schema id ${schemaId} cannot be decoded: ${(cause as Error).message}`, { cause, retryable: false });
    }
  }

  /** Parsing a schema and building a resolver is costly: once per (writer id, reader schema). */
  #resolverFor(schemaId: number, writerType: avro.Type, readerSchema: AvroRecordSchema): { readerType: avro.Type; resolver: avro.Resolver } {
    let readerType = this.#readerTypes.get(readerSchema);
    if (!readerType) {
      readerType = avro.Type.forSchema(readerSchema as unknown as avro.Schema);
      this.#readerTypes.set(readerSchema, readerType);
    }
    const key = `${schemaId}:${readerType.name ?? ''}`;
    let resolver = this.#resolvers.get(key);
    if (!resolver) {
      resolver = readerType.createResolver(writerType);
      this.#resolvers.set(key, resolver);
    }
    return { readerType, resolver };
  }
}

/** The registry answered that the schema does not exist (HTTP 404, Confluent code 40403). */
function isNotFound(error: unknown): boolean {
  const status = (error as { status?: number } | undefined)?.status;
  return status === 404 || /\b40403\b|not found/i.test(String((error as Error | undefined)?.message ?? ''));
}
