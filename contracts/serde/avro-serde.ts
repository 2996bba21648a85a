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
  /** Parsed schemas, ours (writer) and readers', by schema object. */
  readonly #types = new WeakMap<AvroRecordSchema, avro.Type>();
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
    return (await this.encoderFor(subject, schema))(value);
  }

  /**
   * A synchronous encoder for `schema` under `subject`: the registry is asked for the id once,
   * then every value is encoded without a round through the event loop. For hot paths (the
   * outbox relay encodes a thousand records per round).
   */
  async encoderFor(subject: string, schema: AvroRecordSchema): Promise<(value: unknown) => Buffer> {
    let id: number;
    try {
      id = await this.writerSchemaId(subject, schema);
    } catch (cause) {
      if (isNotFound(cause)) throw new SerdeError('SCHEMA_NOT_REGISTERED', `schema ${schema.name} is not registered under subject ${subject}`, { cause, retryable: false });
      throw new SerdeError('REGISTRY_UNAVAILABLE', `schema registry unreachable while looking up ${schema.name} under ${subject}: ${(cause as Error).message}`, { cause, retryable: true });
    }
    // The id was looked up by this very schema, so our own parsed copy is the writer schema.
    const type = this.#typeOf(schema);
    return (value) => encodeWire(id, type, schema.name, value);
  }

  #typeOf(schema: AvroRecordSchema): avro.Type {
    let type = this.#types.get(schema);
    if (!type) {
      type = avro.Type.forSchema(schema as unknown as avro.Schema);
      this.#types.set(schema, type);
    }
    return type;
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
    const readerType = this.#typeOf(readerSchema);
    const key = `${schemaId}:${readerType.name ?? ''}`;
    let resolver = this.#resolvers.get(key);
    if (!resolver) {
      resolver = readerType.createResolver(writerType);
      this.#resolvers.set(key, resolver);
    }
    return { readerType, resolver };
  }
}

// Values are written into one scratch buffer behind the 5-byte header, then copied out once
// (avsc's toBuffer copies too, and prefixing the header would copy a second time). A value that
// does not fit gets a buffer of its own, returned as it is: growing the shared one would keep
// the largest value ever encoded allocated for the life of the process.
const scratch = Buffer.allocUnsafe(64 * 1024);

function encodeWire(id: number, type: avro.Type, schemaName: string, value: unknown): Buffer {
  let target = scratch;
  let end: number;
  try {
    end = type.encode(value, target, HEADER_LENGTH);
    if (end < 0) {
      // avsc returns minus the bytes missing; write again into a buffer that fits exactly.
      target = Buffer.allocUnsafe(scratch.length - end);
      end = type.encode(value, target, HEADER_LENGTH);
    }
  } catch (cause) {
    throw invalidValue(type, schemaName, value, cause);
  }
  target.writeUInt8(MAGIC_BYTE, 0);
  target.writeInt32BE(id, 1);
  return target === scratch ? Buffer.from(scratch.subarray(0, end)) : target.subarray(0, end);
}

/** Names the fields that do not match, as the registry client's own encode did. */
function invalidValue(type: avro.Type, schemaName: string, value: unknown, cause: unknown): SerdeError {
  const paths: string[] = [];
  type.isValid(value, { errorHook: (path) => paths.push(path.join('.')) });
  const where = paths.length > 0 ? ` (invalid: ${paths.join(', ')})` : '';
  return new SerdeError('INVALID_VALUE', `value does not match ${schemaName}: ${(cause as Error).message}${where}`, { cause, retryable: false });
}

/**
 * The registry answered that the schema does not exist (HTTP 404, Confluent codes 40401 and
 * 40403). The registry client drops the status, so the message decides: Confluent's "not found",
 * and Apicurio's "No artifact|content with ID ... was found" and "does not match any schema
 * under the subject".
 */
function isNotFound(error: unknown): boolean {
  const status = (error as { status?: number } | undefined)?.status;
  const message = String((error as Error | undefined)?.message ?? '');
  return status === 404 || /\b4040[13]\b|not found|\bNo \w+ with ID .* was found|does not match any schema under the subject/i.test(message);
}
