// Static cost of an operation, checked before execution (a Mercurius preExecution hook, the
// first point where the variables are known: `first: $n` costs what $n says). The model is the
// simple one of the IBM GraphQL cost directive specification, driven by @listSize in
// schema.graphql: every field costs 1, and a list multiplies the cost of what is selected in it
// by its size, taken from its slicing argument (`first`, `k`, with the schema's default when the
// argument is omitted), or assumed (@listSize(assumedSize), else 10). A connection's size
// applies to its `edges` and `nodes` (sizedFields), not to `pageInfo`. A traversal's size is the
// most objects its maxDepth and maxFanOut can reach, capped by the node limit.
//
// Every field visited adds at least 1, so the walk stops as soon as it has visited more fields
// than the budget allows: a document that spreads fragments into each other many times cannot
// make the estimate itself expensive.
import {
  getArgumentValues,
  getDirectiveValues,
  getNamedType,
  getNullableType,
  getOperationAST,
  getVariableValues,
  isCompositeType,
  isInterfaceType,
  isListType,
  isObjectType,
  Kind,
} from 'graphql';
import type {
  DocumentNode,
  FieldNode,
  FragmentDefinitionNode,
  GraphQLCompositeType,
  GraphQLField,
  GraphQLSchema,
  SelectionSetNode,
} from 'graphql';
import { GatewayError } from '../errors.ts';
import { isIntrospectionField } from './introspection.ts';

export const DEFAULT_LIST_SIZE = 10;

export interface CostOptions {
  readonly maxCost: number;
  readonly maxTraversalNodes: number;
}

interface ListSize {
  readonly assumedSize?: number;
  readonly slicingArguments?: readonly string[];
  readonly sizedFields?: readonly string[];
}

interface Sized {
  readonly fields: ReadonlySet<string>;
  readonly size: number;
}

class BudgetExceeded extends Error {}

/**
 * The cost of the operation `operationName` of `document` with `variables`, or undefined when
 * it exceeds `options.maxCost` (the walk stopped early).
 */
export function operationCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | undefined,
  variables: Record<string, unknown> | undefined,
  options: CostOptions,
): number | undefined {
  const named = getOperationAST(document, operationName);
  // Without a usable name, cost every operation and keep the dearest: whichever runs is covered.
  const operations = named !== null && named !== undefined ? [named] : document.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION);
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  let dearest = 0;
  for (const operation of operations) {
    const rootType = schema.getRootType(operation.operation);
    if (rootType === undefined || rootType === null) continue;
    const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], variables ?? {});
    // Invalid variables fail execution before any resolver runs; cost the operation at its defaults.
    const walk = new CostWalk(schema, fragments, coerced.coerced ?? {}, options);
    try {
      dearest = Math.max(dearest, walk.selectionCost(operation.selectionSet, rootType, undefined));
    } catch (error) {
      if (error instanceof BudgetExceeded) return undefined;
      throw error;
    }
  }
  return dearest > options.maxCost ? undefined : dearest;
}

type HookContext = { operationId?: number; reply?: { request?: { body?: unknown } } };

/** The preExecution hook: QUERY_TOO_COSTLY before any resolver runs. */
export function costLimitHook(options: CostOptions) {
  return async (schema: GraphQLSchema, document: DocumentNode, context: HookContext, variables?: Record<string, unknown>): Promise<void> => {
    const cost = operationCost(schema, document, operationNameOf(context), variables, options);
    if (cost === undefined) {
      throw new GatewayError('QUERY_TOO_COSTLY', `the operation costs more than ${options.maxCost} (each field 1, lists multiplied by their size)`);
    }
  };
}

// Mercurius does not hand the operation name to preExecution; it is in the request body (the
// operationId-th element of a batch).
function operationNameOf(context: HookContext): string | undefined {
  const body = context.reply?.request?.body;
  const item = Array.isArray(body) ? body[context.operationId ?? 0] : body;
  if (typeof item !== 'object' || item === null) return undefined;
  const name = (item as { operationName?: unknown }).operationName;
  return typeof name === 'string' ? name : undefined;
}

class CostWalk {
  readonly #schema: GraphQLSchema;
  readonly #fragments: ReadonlyMap<string, FragmentDefinitionNode>;
  readonly #variables: Record<string, unknown>;
  readonly #options: CostOptions;
  #visits = 0;

  constructor(schema: GraphQLSchema, fragments: ReadonlyMap<string, FragmentDefinitionNode>, variables: Record<string, unknown>, options: CostOptions) {
    this.#schema = schema;
    this.#fragments = fragments;
    this.#variables = variables;
    this.#options = options;
  }

  selectionCost(selectionSet: SelectionSetNode, parentType: GraphQLCompositeType, sized: Sized | undefined): number {
    let total = 0;
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        total += this.#fieldCost(selection, parentType, sized);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const type = selection.typeCondition === undefined ? parentType : this.#schema.getType(selection.typeCondition.name.value);
        if (isCompositeType(type)) total += this.selectionCost(selection.selectionSet, type, sized);
      } else {
        const fragment = this.#fragments.get(selection.name.value);
        const type = fragment === undefined ? undefined : this.#schema.getType(fragment.typeCondition.name.value);
        if (fragment !== undefined && isCompositeType(type)) total += this.selectionCost(fragment.selectionSet, type, sized);
      }
    }
    return total;
  }

  #fieldCost(node: FieldNode, parentType: GraphQLCompositeType, sized: Sized | undefined): number {
    const name = node.name.value;
    if (isIntrospectionField(name)) return 0;
    this.#visits += 1;
    if (this.#visits > this.#options.maxCost) throw new BudgetExceeded();
    if (name === '__typename') return 1;
    const field = isObjectType(parentType) || isInterfaceType(parentType) ? parentType.getFields()[name] : undefined;
    if (field === undefined) return 1;

    const listSize = this.#listSize(field);
    const args = this.#arguments(field, node);
    const size = parentType.name === 'Query' && name === 'traverse' ? this.#traversalSize(args) : slicingSize(listSize, args);
    const childType = getNamedType(field.type);
    const childSized = listSize.sizedFields !== undefined && size !== undefined ? { fields: new Set(listSize.sizedFields), size } : undefined;
    const childCost = node.selectionSet !== undefined && isCompositeType(childType) ? this.selectionCost(node.selectionSet, childType, childSized) : 0;

    let multiplier = 1;
    if (sized?.fields.has(name)) multiplier = sized.size;
    else if (listSize.sizedFields !== undefined) multiplier = 1;
    else if (size !== undefined) multiplier = size;
    else if (isListType(getNullableType(field.type))) multiplier = listSize.assumedSize ?? DEFAULT_LIST_SIZE;
    return 1 + multiplier * childCost;
  }

  #listSize(field: GraphQLField<unknown, unknown>): ListSize {
    const directive = this.#schema.getDirective('listSize');
    if (directive === undefined || directive === null || field.astNode === undefined || field.astNode === null) return {};
    return (getDirectiveValues(directive, field.astNode) ?? {}) as ListSize;
  }

  #arguments(field: GraphQLField<unknown, unknown>, node: FieldNode): Record<string, unknown> {
    try {
      return getArgumentValues(field, node, this.#variables);
    } catch {
      // Invalid arguments fail execution before any resolver; cost them at their defaults.
      return {};
    }
  }

  // 1 (the root) + F + F^2 + ... + F^D objects at most, and never more than the node limit.
  #traversalSize(args: Record<string, unknown>): number {
    const fanOut = positive(args.maxFanOut) ?? 10;
    const depth = positive(args.maxDepth) ?? 2;
    let reachable = 1;
    let level = 1;
    for (let d = 1; d <= depth && reachable < this.#options.maxTraversalNodes; d += 1) {
      level *= fanOut;
      reachable += level;
    }
    return Math.min(reachable, this.#options.maxTraversalNodes);
  }
}

function slicingSize(listSize: ListSize, args: Record<string, unknown>): number | undefined {
  for (const argument of listSize.slicingArguments ?? []) {
    const value = positive(args[argument]);
    if (value !== undefined) return value;
  }
  return undefined;
}

function positive(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
}
