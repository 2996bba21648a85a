// Relay connections (gateway/connection.ts): the page, hasNextPage from the extra row, and
// cursors encoded only when a client asks for them.
import t from 'tap';
import { toConnection } from '../../gateway/connection.ts';

t.test('a page of first + 1 rows: first nodes, a next page, cursors of the first and last', async (t) => {
  let encoded = 0;
  const cursor = (row: number) => {
    encoded += 1;
    return `c${row}`;
  };
  const connection = toConnection([1, 2, 3, 4], 3, (row) => ({ n: row }), cursor);
  t.same(connection.nodes, [{ n: 1 }, { n: 2 }, { n: 3 }]);
  t.equal(encoded, 0, 'nodes alone encode no cursor');
  t.same([connection.pageInfo.startCursor, connection.pageInfo.endCursor, connection.pageInfo.hasNextPage, connection.pageInfo.hasPreviousPage], ['c1', 'c3', true, false]);
  t.equal(encoded, 2, 'pageInfo encodes two');
  t.same(connection.edges, [{ cursor: 'c1', node: { n: 1 } }, { cursor: 'c2', node: { n: 2 } }, { cursor: 'c3', node: { n: 3 } }]);
  t.equal(connection.edges[1]!.node, connection.nodes[1], 'an edge holds the same node object');
  connection.edges;
  t.equal(encoded, 5, 'edges are encoded once');
});

t.test('the last page and an empty one', async (t) => {
  const last = toConnection([1, 2], 3, (row) => row, String);
  t.same([last.nodes, last.pageInfo.hasNextPage, last.pageInfo.endCursor], [[1, 2], false, '2']);
  const empty = toConnection([], 3, (row) => row, String);
  t.same([empty.nodes, empty.edges, empty.pageInfo.startCursor, empty.pageInfo.endCursor, empty.pageInfo.hasNextPage], [[], [], null, null, false]);
});
