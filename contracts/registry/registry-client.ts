// The few Confluent-compatible registry calls the contract tooling needs that
// @kafkajs/confluent-schema-registry does not offer (subject config, compatibility checks).
// Works against Apicurio's /apis/ccompat/v7 and Confluent Schema Registry alike.

const CONTENT_TYPE = 'application/vnd.schemaregistry.v1+json';

export type CompatibilityLevel = 'BACKWARD' | 'BACKWARD_TRANSITIVE' | 'FORWARD' | 'FORWARD_TRANSITIVE' | 'FULL' | 'FULL_TRANSITIVE' | 'NONE';

export class RegistryHttpError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.name = 'RegistryHttpError';
    this.status = status;
  }
}

export class RegistryClient {
  readonly #baseUrl: string;

  constructor(baseUrl: string) {
    this.#baseUrl = baseUrl.replace(/\/+$/, '');
  }

  async #call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${this.#baseUrl}${path}`, {
      method,
      headers: { 'content-type': CONTENT_TYPE, accept: CONTENT_TYPE },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(15_000),
    });
    const text = await response.text();
    if (!response.ok) throw new RegistryHttpError(response.status, `${method} ${path} -> ${response.status}: ${text.slice(0, 500)}`);
    return (text ? JSON.parse(text) : undefined) as T;
  }

  async subjects(): Promise<string[]> {
    return this.#call<string[]>('GET', '/subjects');
  }

  async setCompatibility(subject: string, level: CompatibilityLevel): Promise<void> {
    await this.#call('PUT', `/config/${encodeURIComponent(subject)}`, { compatibility: level });
  }

  async compatibility(subject: string): Promise<string | undefined> {
    try {
      const config = await this.#call<{ compatibilityLevel?: string; compatibility?: string }>('GET', `/config/${encodeURIComponent(subject)}`);
      return config.compatibilityLevel ?? config.compatibility;
    } catch (error) {
      if (error instanceof RegistryHttpError && error.status === 404) return undefined;
      throw error;
    }
  }

  /** Registers a schema version (a no-op returning the same id when it is already registered). */
  async register(subject: string, schema: unknown): Promise<number> {
    const result = await this.#call<{ id: number }>('POST', `/subjects/${encodeURIComponent(subject)}/versions`, {
      schemaType: 'AVRO',
      schema: JSON.stringify(schema),
    });
    return result.id;
  }

  async latestSchema(subject: string): Promise<{ id: number; version: number; schema: string } | undefined> {
    try {
      return await this.#call('GET', `/subjects/${encodeURIComponent(subject)}/versions/latest`);
    } catch (error) {
      if (error instanceof RegistryHttpError && error.status === 404) return undefined;
      throw error;
    }
  }

  /** The registry's verdict on `schema` against the subject's latest version, under its level. */
  async isCompatible(subject: string, schema: unknown): Promise<{ compatible: boolean; messages: string[] }> {
    const result = await this.#call<{ is_compatible: boolean; messages?: string[] }>(
      'POST',
      `/compatibility/subjects/${encodeURIComponent(subject)}/versions/latest?verbose=true`,
      { schemaType: 'AVRO', schema: JSON.stringify(schema) },
    );
    return { compatible: result.is_compatible, messages: result.messages ?? [] };
  }
}
