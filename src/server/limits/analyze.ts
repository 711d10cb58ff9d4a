import {
  getNamedType,
  getNullableType,
  isListType,
  isObjectType,
  isInterfaceType,
  Kind,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
} from 'graphql';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../../common/pagination';

/** What one operation would ask of the server, measured on the document before anything runs. */
export interface OperationMeasure {
  /** Deepest field nesting; a root field is depth 1. */
  depth: number;
  /** Aliased fields, counted once per place they are reached (a fragment spread twice counts twice). */
  aliases: number;
  /** Estimated number of fields resolved: each field 1, times the sizes of the lists around it. */
  cost: number;
}

export interface MeasureOptions {
  /** Items assumed in a list field that has no `first` argument (claim lines, history, …). */
  listSize: number;
}

/**
 * Measures the operation that will run. Fields named `__*` are skipped: `__typename` is free, and
 * introspection (`__schema`, `__type`) is refused in production by Apollo's NoIntrospection rule,
 * while in development GraphiQL's introspection query must not trip the depth limit.
 *
 * Pages: a field with a `first` argument multiplies what it holds by that value (a literal or the
 * request's variable), DEFAULT_PAGE_SIZE when absent, and never more than MAX_PAGE_SIZE: pagination
 * refuses larger pages itself (src/common/pagination.ts), so a larger estimate would only hide
 * that clearer error. The list of edges inside a connection is the same page, so it adds nothing.
 * A list field without `first` is assumed to hold `listSize` items; this is what bounds cycles
 * such as claim → encounter → claims → encounter … (OWASP GraphQL Cheat Sheet: "Query cost analysis").
 */
export function measureOperation(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown> | undefined,
  options: MeasureOptions,
): OperationMeasure {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  const rootType = schema.getRootType(operation.operation);
  let aliases = 0;

  /** Returns [depth, cost] of a selection set on `parentType`, `seen` guarding fragment cycles. */
  const walk = (set: SelectionSetNode, parentType: GraphQLNamedType | undefined, seen: ReadonlySet<string>): [number, number] => {
    let depth = 0;
    let cost = 0;
    for (const sel of set.selections) {
      if (sel.kind === Kind.FIELD) {
        if (sel.name.value.startsWith('__')) continue;
        if (sel.alias) aliases++;
        const field = fieldOf(parentType, sel.name.value);
        const childType = field ? getNamedType(field.type) : undefined;
        const [d, c] = sel.selectionSet ? walk(sel.selectionSet, childType, seen) : [0, 0];
        depth = Math.max(depth, d + 1);
        cost += 1 + c * multiplier(sel, field, parentType, variables, options);
      } else if (sel.kind === Kind.INLINE_FRAGMENT) {
        const typed = sel.typeCondition ? schema.getType(sel.typeCondition.name.value) : parentType;
        const [d, c] = walk(sel.selectionSet, typed ?? parentType, seen);
        depth = Math.max(depth, d);
        cost += c;
      } else {
        const name = sel.name.value;
        const fragment = fragments.get(name);
        if (!fragment || seen.has(name)) continue;
        const [d, c] = walk(fragment.selectionSet, schema.getType(fragment.typeCondition.name.value) ?? parentType, new Set([...seen, name]));
        depth = Math.max(depth, d);
        cost += c;
      }
    }
    return [depth, cost];
  };

  const [depth, cost] = walk(operation.selectionSet, rootType ?? undefined, new Set());
  return { depth, aliases, cost };
}

function fieldOf(type: GraphQLNamedType | undefined, name: string): GraphQLField<unknown, unknown> | undefined {
  if (type && (isObjectType(type) || isInterfaceType(type))) return type.getFields()[name];
  return undefined;
}

function multiplier(
  node: FieldNode,
  field: GraphQLField<unknown, unknown> | undefined,
  parentType: GraphQLNamedType | undefined,
  variables: Record<string, unknown> | undefined,
  options: MeasureOptions,
): number {
  if (field?.args.some((a) => a.name === 'first')) {
    const arg = node.arguments?.find((a) => a.name.value === 'first');
    const value = arg ? valueOf(arg.value, variables) : undefined;
    const n = typeof value === 'number' && Number.isInteger(value) && value >= 1 ? value : DEFAULT_PAGE_SIZE;
    return Math.min(n, MAX_PAGE_SIZE);
  }
  if (field && isListType(getNullableType(field.type))) {
    // Connection.edges is the page its parent field already counted.
    if (parentType?.name.endsWith('Connection')) return 1;
    return options.listSize;
  }
  return 1;
}

function valueOf(value: ValueNode, variables: Record<string, unknown> | undefined): unknown {
  if (value.kind === Kind.INT) return Number(value.value);
  if (value.kind === Kind.VARIABLE) return variables?.[value.name.value];
  return undefined;
}
