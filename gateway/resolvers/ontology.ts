// The ontology itself: who is asking, object types, link types. All from the per-request catalog
// (one statement however many types and properties are selected).
import type { AuthContext } from '../auth.ts';
import type { GatewayContext } from '../request-scope.ts';
import type { LinkTypeRecord, ObjectTypeRecord, PropertyDefinition } from '../sql/catalog.ts';

export const ontologyResolvers = {
  Query: {
    viewer: (_root: unknown, _args: unknown, context: GatewayContext): AuthContext => context.auth,
    objectTypes: async (_root: unknown, _args: unknown, context: GatewayContext): Promise<readonly ObjectTypeRecord[]> => (await context.catalog()).objectTypes,
    objectType: async (_root: unknown, args: { name: string }, context: GatewayContext): Promise<ObjectTypeRecord | null> =>
      (await context.catalog()).objectTypeByName(args.name) ?? null,
    linkTypes: async (_root: unknown, _args: unknown, context: GatewayContext): Promise<readonly LinkTypeRecord[]> => (await context.catalog()).linkTypes,
  },
  Viewer: {
    // The claim says `viewer`; the GraphQL enum value is VIEWER.
    roles: (auth: AuthContext): string[] => auth.roles.map((role) => role.toUpperCase()),
    canReadSensitive: (_auth: AuthContext, _args: unknown, context: GatewayContext): boolean => context.canReadSensitive,
  },
  PropertyDefinition: {
    dataType: (definition: PropertyDefinition): string => definition.dataType.toUpperCase(),
  },
};
