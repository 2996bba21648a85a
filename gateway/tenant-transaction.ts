// One GraphQL request = one Postgres transaction on one pooled connection, scoped to the caller's
// tenant (ARCHITECTURE §3, §8). Row-level security does the isolating: every tenant table's
// policy compares tenant_id with `app.tenant_id`, which is set here with set_config(..., true),
// i.e. SET LOCAL, so it ends with the transaction and can never leak to the connection's next
// user. A resolver that forgets a WHERE clause still sees one tenant.
//
// The transaction is opened on the first query (a request refused before execution, or one that
// reads nothing from the database, never takes a connection) and ended exactly once by
// finish(), which the request's hooks call (gateway/build-server.ts). After finish() the object
// refuses queries instead of opening a second transaction, so a late resolver cannot leak a
// connection either.
import type { Pool, PoolClient, QueryResult, QueryResultRow } from 'pg';
import { GatewayError } from './errors.ts';

/** What resolvers and loaders query through. */
export interface Queryable {
  query<R extends QueryResultRow = QueryResultRow>(text: string, values?: readonly unknown[]): Promise<QueryResult<R>>;
}

export interface TenantTransactionOptions {
  readonly pool: Pool;
  readonly tenantId: string;
  readonly statementTimeoutMs: number;
  /** Where a failed COMMIT/ROLLBACK is reported (the request's logger). */
  readonly logger: { warn(object: object, message: string): void };
  /** Called when the transaction opens and before each statement (metrics). */
  readonly onTransaction?: () => void;
  readonly onQuery?: () => void;
  /**
   * A parameterless SELECT run in the same round trip as BEGIN, after the tenant is set (so
   * under its row-level security); its rows are what prelude() returns. For small facts nearly
   * every request needs, such as the ontology catalog's fingerprint (gateway/sql/catalog.ts).
   */
  readonly prelude?: string;
}

export type TransactionOutcome = 'commit' | 'rollback';

const QUERY_CANCELED = '57014';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export class TenantTransaction implements Queryable {
  readonly #options: TenantTransactionOptions;
  #client: PoolClient | undefined;
  #opening: Promise<PoolClient> | undefined;
  #preludeRows: QueryResultRow[] = [];
  #closing = false;
  #finishing: Promise<void> | undefined;
  #failure: unknown;
  // Statements run one after the other: sibling resolvers query concurrently, a connection runs
  // one statement at a time, and pg's own queueing of concurrent client.query() calls is
  // deprecated (removed in pg 9). COMMIT/ROLLBACK queue behind the statements already asked for.
  #tail: Promise<unknown> = Promise.resolve();

  constructor(options: TenantTransactionOptions) {
    this.#options = options;
  }

  /** Whether a connection was taken (the transaction was opened, or is being opened). */
  get opened(): boolean {
    return this.#opening !== undefined;
  }

  /** Whether finish() was called; no statement is accepted after it. */
  get finished(): boolean {
    return this.#closing;
  }

  /** The rows of the prelude statement (opening the transaction if it is not open yet). */
  async prelude<R extends QueryResultRow = QueryResultRow>(): Promise<R[]> {
    if (this.#closing) throw closedError();
    await this.#serialized(() => this.#open());
    return this.#preludeRows as R[];
  }

  query<R extends QueryResultRow = QueryResultRow>(text: string, values: readonly unknown[] = []): Promise<QueryResult<R>> {
    if (this.#closing) return Promise.reject(closedError());
    return this.#serialized(async () => {
      const client = await this.#open();
      if (this.#failure !== undefined) throw earlierFailure(this.#failure);
      this.#options.onQuery?.();
      try {
        return await client.query<R>(text, values as unknown[]);
      } catch (error) {
        // Postgres aborts the whole transaction on an error; later statements would only say
        // "current transaction is aborted", so they get the first error's meaning instead.
        this.#failure ??= error;
        throw statementError(error);
      }
    });
  }

  /**
   * Ends the transaction (COMMIT, or ROLLBACK if asked or if a statement failed) once the
   * statements already asked for have run, and returns the connection to the pool; a connection
   * whose COMMIT/ROLLBACK failed is destroyed instead. Idempotent, never throws: it runs in
   * response hooks, where an exception helps nobody.
   */
  finish(outcome: TransactionOutcome): Promise<void> {
    this.#closing = true;
    this.#finishing ??= this.#serialized(() => this.#end(outcome));
    return this.#finishing;
  }

  #serialized<T>(work: () => Promise<T>): Promise<T> {
    const run = this.#tail.then(work, work);
    this.#tail = run.catch(() => undefined);
    return run;
  }

  #open(): Promise<PoolClient> {
    this.#opening ??= this.#begin();
    return this.#opening;
  }

  async #begin(): Promise<PoolClient> {
    const { pool, tenantId, statementTimeoutMs } = this.#options;
    let client: PoolClient;
    try {
      client = await pool.connect();
    } catch (error) {
      this.#failure = error;
      throw new GatewayError('INTERNAL', 'database unavailable', { cause: error });
    }
    this.#client = client;
    try {
      // REPEATABLE READ: every resolver of the request reads the same snapshot, so a page, the
      // links of its objects and a chain verification agree with each other. READ ONLY: the
      // gateway never writes (single-writer rule); l3_gateway has SELECT only anyway.
      // set_config(name, value, true) is SET LOCAL. Both in one simple-protocol round trip (a
      // request's first statement waits for it), so the values are literals: the tenant id is
      // checked to be a UUID first and quoted by the driver, the timeout is an integer.
      if (!UUID.test(tenantId)) throw new Error(`tenant id "${tenantId}" is not a UUID`);
      const prelude = this.#options.prelude;
      const results = (await client.query(
        `BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY; ` +
          `SELECT set_config('app.tenant_id', ${client.escapeLiteral(tenantId)}, true), set_config('statement_timeout', '${Math.trunc(statementTimeoutMs)}', true)` +
          (prelude === undefined ? '' : `; ${prelude}`),
      )) as unknown as QueryResult[];
      if (prelude !== undefined) this.#preludeRows = results[2]?.rows ?? [];
    } catch (error) {
      this.#failure = error;
      throw new GatewayError('INTERNAL', 'cannot open the request transaction', { cause: error });
    }
    this.#options.onTransaction?.();
    return client;
  }

  async #end(outcome: TransactionOutcome): Promise<void> {
    if (this.#opening === undefined) return;
    let client: PoolClient;
    try {
      client = await this.#opening;
    } catch {
      // connect() failed (nothing to release) or BEGIN failed (the connection is suspect).
      this.#client?.release(true);
      return;
    }
    const statement = outcome === 'commit' && this.#failure === undefined ? 'COMMIT' : 'ROLLBACK';
    try {
      await client.query(statement);
      client.release();
    } catch (error) {
      this.#options.logger.warn({ err: error, statement }, 'ending the request transaction failed; discarding the connection');
      client.release(error instanceof Error ? error : true);
    }
  }
}

function closedError(): GatewayError {
  return new GatewayError('INTERNAL', 'the request has ended; its transaction is closed');
}

function statementError(error: unknown): unknown {
  if (error instanceof GatewayError) return error;
  if ((error as { code?: unknown }).code === QUERY_CANCELED) return new GatewayError('QUERY_TIMEOUT', undefined, { cause: error });
  return new GatewayError('INTERNAL', 'database error', { cause: error });
}

function earlierFailure(first: unknown): GatewayError {
  if ((first as { code?: unknown }).code === QUERY_CANCELED) return new GatewayError('QUERY_TIMEOUT', undefined, { cause: first });
  return new GatewayError('INTERNAL', 'an earlier statement of this request failed', { cause: first });
}
