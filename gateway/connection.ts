// Relay-style connections (forward pagination): a page is read with LIMIT first + 1, and the
// extra row, never returned, only says whether another page follows.

export interface Edge<T> {
  readonly cursor: string;
  readonly node: T;
}

export interface Connection<T> {
  readonly edges: readonly Edge<T>[];
  readonly nodes: readonly T[];
  readonly pageInfo: {
    readonly hasNextPage: boolean;
    readonly hasPreviousPage: boolean;
    readonly startCursor: string | null;
    readonly endCursor: string | null;
  };
}

/**
 * `rows` were read with LIMIT `first + 1`. Cursors are encoded when asked for: edges on first
 * use, pageInfo's two from the first and last row, so a query of `nodes` encodes none per node.
 */
export function toConnection<R, T>(rows: readonly R[], first: number, node: (row: R) => T, cursor: (row: R) => string): Connection<T> {
  const page = rows.slice(0, first);
  const nodes = page.map(node);
  let edges: Edge<T>[] | undefined;
  const head = page[0];
  const last = page.at(-1);
  return {
    get edges() {
      edges ??= page.map((row, index) => ({ cursor: cursor(row), node: nodes[index]! }));
      return edges;
    },
    nodes,
    pageInfo: {
      hasNextPage: rows.length > first,
      hasPreviousPage: false,
      get startCursor() {
        return head === undefined ? null : cursor(head);
      },
      get endCursor() {
        return last === undefined ? null : cursor(last);
      },
    },
  };
}
