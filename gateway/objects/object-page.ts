// `Query.objects`: one page of live objects of a type, filtered and ordered, with keyset cursors.
import { toConnection, type Connection } from '../connection.ts';
import { decodeCursor, encodeCursor } from '../cursor.ts';
import { GatewayError, notFound } from '../errors.ts';
import { boundedInt } from '../size-arguments.ts';
import type { RequestScope } from '../request-scope.ts';
import { objectPage, type ObjectRecord } from '../sql/objects.ts';
import { SqlParams } from '../sql/sql-params.ts';
import { compileObjectFilter, type ObjectFilterInput } from './object-filter.ts';
import { afterCondition, orderByClause, orderingFingerprint, sortKeys, type ObjectOrderInput } from './object-order.ts';
import { cursorText } from './property-expression.ts';

export interface ObjectsArgs {
  readonly type: string;
  readonly where?: ObjectFilterInput | null;
  readonly orderBy?: readonly ObjectOrderInput[] | null;
  readonly first?: number | null;
  readonly after?: string | null;
}

const CURSOR_KIND = 'objects';

export interface ObjectPageOptions {
  /** Whether the caller will read cursors (edges or pageInfo's); false leaves their values out of the statement. */
  readonly cursors?: boolean;
}

export async function readObjectPage(scope: RequestScope, args: ObjectsArgs, options: ObjectPageOptions = {}): Promise<Connection<ObjectRecord>> {
  const first = boundedInt('first', args.first, 50, 1, scope.limits.maxPageSize);
  const catalog = await scope.catalog();
  const type = catalog.objectTypeByName(args.type);
  if (type === undefined) throw notFound(`no object type named ${JSON.stringify(args.type)}`);

  const params = new SqlParams();
  const context = { type, params, canReadSensitive: scope.canReadSensitive };
  const filter = compileObjectFilter(args.where, context);
  const keys = sortKeys(args.orderBy, context);
  const ordering = orderingFingerprint(type.id, keys);
  let after = 'TRUE';
  if (args.after !== undefined && args.after !== null) {
    const cursor = decodeCursor(args.after, CURSOR_KIND, ordering, keys.length);
    after = afterCondition(keys, cursor.values, cursor.id, params);
  }
  const rows = await objectPage(scope.db, {
    objectTypeId: type.id,
    filter,
    after,
    orderBy: orderByClause(keys),
    cursorValues: options.cursors === false ? undefined : `ARRAY[${keys.map((key) => cursorText(key.sql, key.sqlType)).join(', ')}]::text[]`,
    limit: first + 1,
    values: params.values,
  });
  return toConnection(
    rows,
    first,
    (row) => row.record,
    (row) => {
      // The resolver said no cursor would be read (connectionNeedsCursors); one read anyway is a bug there.
      if (row.cursorValues === undefined) throw new GatewayError('INTERNAL', 'a cursor was read from a page read without cursor values');
      return encodeCursor({ kind: CURSOR_KIND, ordering, values: row.cursorValues, id: row.record.id });
    },
  );
}
