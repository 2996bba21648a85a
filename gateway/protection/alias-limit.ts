// Refuses documents with more aliased fields than GATEWAY_MAX_ALIASES. Aliases are how one
// request asks for the same expensive field many times ({ a: objects(...) b: objects(...) ... });
// the cost limit weighs that too, this rule refuses it outright and cheaply, before execution.
import { GraphQLError } from 'graphql';
import type { ValidationRule } from 'graphql';

export function aliasLimitRule(maxAliases: number): ValidationRule {
  return (context) => {
    let aliases = 0;
    return {
      Field(node) {
        if (node.alias !== undefined) aliases += 1;
      },
      Document: {
        leave(node) {
          if (aliases > maxAliases) {
            context.reportError(
              new GraphQLError(`the document has ${aliases} aliased fields; the limit is ${maxAliases}`, { nodes: [node], extensions: { code: 'TOO_MANY_ALIASES' } }),
            );
          }
        },
      },
    };
  };
}
