// Introspection (`__schema`, `__type`) is refused in production mode: the schema of a
// multi-tenant read API is not a secret, but a production gateway serves known clients, and
// introspection is the first step of every automated probe. `__typename` stays allowed (clients
// need it for unions and interfaces).
import { GraphQLError } from 'graphql';
import type { ValidationRule } from 'graphql';

export function isIntrospectionField(name: string): boolean {
  return name === '__schema' || name === '__type';
}

export const noIntrospectionRule: ValidationRule = (context) => ({
  Field(node) {
    if (isIntrospectionField(node.name.value)) {
      context.reportError(
        new GraphQLError(`introspection (${node.name.value}) is disabled in production`, { nodes: [node], extensions: { code: 'FORBIDDEN' } }),
      );
    }
  },
});
