// Mercurius compiles an operation it has seen before with graphql-jit (the gateway's `jit`
// option). graphql-jit 0.8.9 generates the coercion of each variable inline, type by type, and
// never stops on an input type that contains itself: compiling an operation with a variable of
// such a type (ObjectFilter has `and`, `or`, `not`) exhausts the heap and kills the process
// (graphql-jit issue #81). Such operations must run on graphql-js instead; literals of those
// types are coerced by graphql-js at compile time and are safe.
//
// Mercurius compiles only documents that no preExecution hook replaced, so the hook below hands
// the document back as a replacement (the same object, unchanged) for exactly those operations.
import { getNamedType, isInputObjectType, Kind, type DocumentNode, type GraphQLInputObjectType, type GraphQLSchema, type TypeNode } from 'graphql';

/** Names of the input object types that reach themselves through their fields. */
export function recursiveInputTypes(schema: GraphQLSchema): Set<string> {
  const recursive = new Set<string>();
  for (const type of Object.values(schema.getTypeMap())) {
    if (isInputObjectType(type) && !type.name.startsWith('__') && reachesAny(type, new Set([type.name]))) recursive.add(type.name);
  }
  return recursive;
}

/** Whether any operation of `document` declares a variable whose type reaches a recursive input type. */
export function hasRecursiveInputVariable(schema: GraphQLSchema, document: DocumentNode, recursive: ReadonlySet<string>): boolean {
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
    for (const variable of definition.variableDefinitions ?? []) {
      const type = schema.getType(namedTypeOf(variable.type));
      if (type !== undefined && type !== null && isInputObjectType(type) && (recursive.has(type.name) || reachesAny(type, recursive))) return true;
    }
  }
  return false;
}

/** Whether a field of `type`, or of an input type its fields lead to, is of one of `targets`. */
function reachesAny(type: GraphQLInputObjectType, targets: ReadonlySet<string>, seen = new Set<string>()): boolean {
  for (const field of Object.values(type.getFields())) {
    const named = getNamedType(field.type);
    if (!isInputObjectType(named) || seen.has(named.name)) continue;
    if (targets.has(named.name)) return true;
    seen.add(named.name);
    if (reachesAny(named, targets, seen)) return true;
  }
  return false;
}

function namedTypeOf(type: TypeNode): string {
  return type.kind === Kind.NAMED_TYPE ? type.name.value : namedTypeOf(type.type);
}

/**
 * A Mercurius preExecution hook that keeps graphql-jit away from operations with a variable of a
 * recursive input type, by returning their document as a (same) replacement. The answer is
 * remembered per parsed document (Mercurius caches those per query text).
 */
export function jitGuardHook(): (schema: GraphQLSchema, document: DocumentNode) => Promise<{ document: DocumentNode } | undefined> {
  const recursiveBySchema = new WeakMap<GraphQLSchema, Set<string>>();
  const unsafe = new WeakMap<DocumentNode, boolean>();
  return async (schema, document) => {
    let verdict = unsafe.get(document);
    if (verdict === undefined) {
      let recursive = recursiveBySchema.get(schema);
      if (recursive === undefined) recursiveBySchema.set(schema, (recursive = recursiveInputTypes(schema)));
      verdict = hasRecursiveInputVariable(schema, document, recursive);
      unsafe.set(document, verdict);
    }
    return verdict ? { document } : undefined;
  };
}
