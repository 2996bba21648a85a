// Persisted queries: the documents of gateway/persisted-queries.json, addressed by the SHA-256
// (hex) of their text. Clients send the hash instead of the document, in Mercurius' prepared
// format ({"query": "<hash>", "persisted": true}) or Apollo's
// ({"extensions": {"persistedQuery": {"version": 1, "sha256Hash": "<hash>"}}}). With
// GATEWAY_PERSISTED_ONLY=true nothing else runs: a production deployment then executes only
// reviewed documents, whatever a stolen token tries.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { PersistedQueryProvider } from 'mercurius';
import { GatewayError } from '../errors.ts';

export const PERSISTED_QUERIES_FILE = new URL('../persisted-queries.json', import.meta.url);

const SHA256_HEX = /^[0-9a-f]{64}$/;

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** Reads the committed file; throws if it is not an object of hash -> document whose hashes match. */
export function loadPersistedQueries(file: URL | string = PERSISTED_QUERIES_FILE): ReadonlyMap<string, string> {
  const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error(`${String(file)}: expected an object of sha256 -> query`);
  const queries = new Map<string, string>();
  for (const [hash, query] of Object.entries(parsed)) {
    if (hash.startsWith('//')) continue; // comment entries
    if (typeof query !== 'string') throw new Error(`${String(file)}: the query of ${hash} is not a string`);
    if (sha256Hex(query) !== hash) throw new Error(`${String(file)}: ${hash} is not the SHA-256 of its query (${sha256Hex(query)})`);
    queries.set(hash, query);
  }
  return queries;
}

interface PersistedRequest {
  query?: unknown;
  persisted?: unknown;
  extensions?: unknown;
}

function hashOf(request: PersistedRequest): string | undefined {
  if (request.persisted === true) return typeof request.query === 'string' ? request.query : '';
  const persisted = (request.extensions as { persistedQuery?: { version?: unknown; sha256Hash?: unknown } } | undefined)?.persistedQuery;
  if (persisted !== undefined && persisted !== null) return persisted.version === 1 && typeof persisted.sha256Hash === 'string' ? persisted.sha256Hash : '';
  return undefined;
}

export function persistedQueryProvider(queries: ReadonlyMap<string, string>, persistedOnly: boolean): PersistedQueryProvider {
  return {
    isPersistedQuery: (request) => persistedOnly || hashOf(request as PersistedRequest) !== undefined,
    // Automatic persisted queries (clients registering documents at run time) are not offered:
    // the set of documents is what was reviewed and committed.
    isPersistedQueryRetry: () => false,
    getHash: (request) => {
      const hash = hashOf(request as PersistedRequest);
      if (hash === undefined) throw new GatewayError('PERSISTED_QUERY_REQUIRED', 'only persisted queries are accepted: send the hash of a query of gateway/persisted-queries.json');
      if (!SHA256_HEX.test(hash)) throw new GatewayError('PERSISTED_QUERY_NOT_FOUND', 'a persisted query is named by the lower-case hex SHA-256 of its text');
      return hash;
    },
    getQueryFromHash: async (hash) => {
      const query = queries.get(hash);
      if (query === undefined) throw new GatewayError('PERSISTED_QUERY_NOT_FOUND', `no persisted query has hash ${JSON.stringify(hash)}`);
      return query;
    },
  };
}
