// Enforces @requiresRole (schema.graphql): wraps the resolver of every field that carries the
// directive with a role check that runs before it, so a refused field never reaches the
// database. Applied as a Mercurius schema transform, after the resolvers and loaders are set.
// A resolver defined later (app.graphql.defineResolvers) would replace the wrapper: give new
// guarded fields to buildGateway in deps.extensions so they are wrapped too.
import { defaultFieldResolver, getDirectiveValues, isObjectType } from 'graphql';
import type { GraphQLFieldResolver, GraphQLSchema } from 'graphql';
import { forbidden } from './errors.ts';
import type { RequestScope } from './request-scope.ts';
import { hasAnyRole, isRole } from './roles.ts';

export function applyRoleChecks(schema: GraphQLSchema): GraphQLSchema {
  const directive = schema.getDirective('requiresRole');
  if (directive === undefined || directive === null) throw new Error('schema.graphql must declare @requiresRole');
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) {
      if (field.astNode === undefined || field.astNode === null) continue;
      const values = getDirectiveValues(directive, field.astNode) as { anyOf: string[] } | undefined;
      if (values === undefined) continue;
      const allowed = values.anyOf.map((role) => role.toLowerCase()).filter(isRole);
      const resolve: GraphQLFieldResolver<unknown, RequestScope> = field.resolve ?? defaultFieldResolver;
      const coordinate = `${type.name}.${field.name}`;
      field.resolve = (source, args, context, info) => {
        if (!hasAnyRole(context.auth.roles, allowed)) {
          throw forbidden(`${coordinate} needs one of the roles ${allowed.join(', ')}`);
        }
        return resolve(source, args, context, info);
      };
    }
  }
  return schema;
}
