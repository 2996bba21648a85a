// What a field's selection set asks for, read from the operation's AST (resolvers' `info`), so a
// resolver can leave out of its statement what nobody will see. Readers of this are conservative:
// a fragment the document does not define makes them read everything.
import { Kind, type FieldNode, type FragmentDefinitionNode, type SelectionSetNode } from 'graphql';

export interface SelectionInfo {
  readonly fieldNodes: readonly FieldNode[];
  readonly fragments: Record<string, FragmentDefinitionNode>;
}

/** The fields of the selection sets, through fragments and inline fragments; undefined if a fragment is unknown. */
export function selectedFields(sets: readonly (SelectionSetNode | undefined)[], fragments: Record<string, FragmentDefinitionNode>, visited = new Set<string>()): FieldNode[] | undefined {
  const fields: FieldNode[] = [];
  for (const set of sets) {
    for (const selection of set?.selections ?? []) {
      if (selection.kind === Kind.FIELD) {
        fields.push(selection);
        continue;
      }
      let inner: SelectionSetNode;
      if (selection.kind === Kind.INLINE_FRAGMENT) {
        inner = selection.selectionSet;
      } else {
        const name = selection.name.value;
        if (visited.has(name)) continue; // validation rejects cycles; never loop on one anyway
        const fragment = fragments[name];
        if (fragment === undefined) return undefined;
        visited.add(name);
        inner = fragment.selectionSet;
      }
      const nested = selectedFields([inner], fragments, visited);
      if (nested === undefined) return undefined;
      fields.push(...nested);
    }
  }
  return fields;
}

/**
 * `decide(fields)` for the field of `info`, remembered per field node: parsed documents are
 * cached by Mercurius, so a field node is met again on every request of its operation. Only
 * single-node fields are remembered: a node may be merged with different siblings where its
 * fragment is spread in more than one place.
 */
export function memoizedBySelection<T>(decide: (info: SelectionInfo) => T): (info: SelectionInfo) => T {
  const cache = new WeakMap<FieldNode, T>();
  return (info) => {
    const single = info.fieldNodes.length === 1 ? info.fieldNodes[0] : undefined;
    if (single !== undefined && cache.has(single)) return cache.get(single)!;
    const decided = decide(info);
    if (single !== undefined) cache.set(single, decided);
    return decided;
  };
}

/**
 * Whether a connection field's selection reads a cursor: `edges` (each has one), or pageInfo's
 * `startCursor`/`endCursor`. Unknown fragments count as yes.
 */
export const connectionNeedsCursors = memoizedBySelection((info: SelectionInfo): boolean => {
  const fields = selectedFields(info.fieldNodes.map((node) => node.selectionSet), info.fragments);
  if (fields === undefined) return true;
  return fields.some((field) => {
    if (field.name.value === 'edges') return true;
    if (field.name.value !== 'pageInfo') return false;
    const pageInfo = selectedFields([field.selectionSet], info.fragments);
    return pageInfo === undefined || pageInfo.some((inner) => inner.name.value === 'startCursor' || inner.name.value === 'endCursor');
  });
});
