// Refuses operations nested deeper than GATEWAY_MAX_DEPTH, as a validation rule: it runs before
// execution (and is cached with the parsed document, so a repeated query costs nothing).
// Fragments count where they are spread; each fragment's depth is computed once, so a document
// that spreads fragments into each other cannot make this rule itself slow.
import { GraphQLError, Kind } from 'graphql';
import type { SelectionSetNode, ValidationContext, ValidationRule } from 'graphql';
import { isIntrospectionField } from './introspection.ts';

export function depthLimitRule(maxDepth: number): ValidationRule {
  return (context) => {
    const fragmentDepths = new Map<string, number>();
    return {
      OperationDefinition(node) {
        const depth = selectionDepth(node.selectionSet, context, fragmentDepths, new Set());
        if (depth > maxDepth) {
          const name = node.name === undefined ? 'the operation' : `operation ${node.name.value}`;
          context.reportError(
            new GraphQLError(`${name} is ${depth} levels deep; the limit is ${maxDepth}`, { nodes: [node], extensions: { code: 'QUERY_TOO_DEEP' } }),
          );
        }
      },
    };
  };
}

function selectionDepth(selectionSet: SelectionSetNode, context: ValidationContext, memo: Map<string, number>, visiting: Set<string>): number {
  let deepest = 0;
  for (const selection of selectionSet.selections) {
    let depth = 0;
    if (selection.kind === Kind.FIELD) {
      // Introspection is refused in production; in development GraphiQL's introspection query
      // (deeper than any data query, and answered without the database) must still work.
      if (isIntrospectionField(selection.name.value)) continue;
      depth = 1 + (selection.selectionSet === undefined ? 0 : selectionDepth(selection.selectionSet, context, memo, visiting));
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      depth = selectionDepth(selection.selectionSet, context, memo, visiting);
    } else {
      const name = selection.name.value;
      const known = memo.get(name);
      const fragment = context.getFragment(name);
      // A cycle is reported by the spec's NoFragmentCycles rule; an unknown fragment by KnownFragmentNames.
      if (known !== undefined) depth = known;
      else if (fragment !== undefined && fragment !== null && !visiting.has(name)) {
        visiting.add(name);
        depth = selectionDepth(fragment.selectionSet, context, memo, visiting);
        visiting.delete(name);
        memo.set(name, depth);
      }
    }
    deepest = Math.max(deepest, depth);
  }
  return deepest;
}
