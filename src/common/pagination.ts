import type { EntityManager, FilterQuery, QueryOrderMap } from '@mikro-orm/core';
import type { EntityName } from '@mikro-orm/core';
import { ArgsType, Field, Int, ObjectType } from 'type-graphql';
import type { ClassType } from 'type-graphql';
import { IssueCollector } from './errors';

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

@ArgsType()
export class PageArgs {
  @Field(() => Int, { nullable: true, description: `Page size, 1–${MAX_PAGE_SIZE} (default ${DEFAULT_PAGE_SIZE}).` })
  first?: number | null;

  @Field(() => String, { nullable: true, description: 'Opaque cursor: the endCursor of the previous page.' })
  after?: string | null;
}

@ObjectType()
export class PageInfo {
  @Field(() => Boolean)
  hasNextPage!: boolean;

  @Field(() => Boolean, { description: 'Forward pagination only: true when `after` was given.' })
  hasPreviousPage!: boolean;

  @Field(() => String, { nullable: true })
  startCursor!: string | null;

  @Field(() => String, { nullable: true })
  endCursor!: string | null;
}

export interface Edge<T> {
  node: T;
  cursor: string;
}

export interface ConnectionShape<T> {
  edges: Edge<T>[];
  pageInfo: PageInfo;
  totalCount(): Promise<number>;
}

const connectionTypes = new Map<string, ClassType<object>>();

/**
 * Relay connection type for a node type. `totalCount` runs its COUNT query only when a client
 * selects it.
 */
export function Connection<T extends object>(name: string, nodeType: () => ClassType<T>): ClassType<ConnectionShape<T>> {
  const existing = connectionTypes.get(name);
  if (existing) return existing as ClassType<ConnectionShape<T>>;

  @ObjectType(`${name}Edge`)
  class EdgeType {
    @Field(nodeType)
    node!: T;

    @Field(() => String)
    cursor!: string;
  }

  @ObjectType(`${name}Connection`)
  class ConnectionType {
    @Field(() => [EdgeType])
    edges!: Edge<T>[];

    @Field(() => PageInfo)
    pageInfo!: PageInfo;

    countFn!: () => Promise<number>;

    @Field(() => Int, { description: 'All matching items (a separate COUNT; select only when needed).' })
    totalCount(): Promise<number> {
      return this.countFn();
    }
  }
  connectionTypes.set(name, ConnectionType as ClassType<object>);
  return ConnectionType as unknown as ClassType<ConnectionShape<T>>;
}

const CURSOR_PREFIX = 'v1:';

export function encodeCursor(id: string): string {
  return Buffer.from(CURSOR_PREFIX + id, 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): string | null {
  const raw = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!raw.startsWith(CURSOR_PREFIX)) return null;
  const id = raw.slice(CURSOR_PREFIX.length);
  return /^[0-9a-f-]{36}$/.test(id) ? id : null;
}

export interface PageRequest {
  first: number;
  afterId: string | null;
}

/** Checks `first` and `after`; a bad value is BAD_USER_INPUT naming the argument. */
export function parsePageArgs(args: PageArgs, issues = new IssueCollector()): PageRequest {
  const first = args.first ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE_SIZE) {
    issues.add('first', 'OUT_OF_RANGE', `must be between 1 and ${MAX_PAGE_SIZE}`);
  }
  let afterId: string | null = null;
  if (args.after != null) {
    afterId = decodeCursor(args.after);
    if (afterId === null) issues.add('after', 'INVALID_CURSOR', 'is not a cursor this API issued');
  }
  issues.throwIfAny();
  return { first, afterId };
}

/**
 * Keyset pagination by id (UUIDv7, so creation order): stable under inserts, one indexed range
 * scan per page, no OFFSET.
 */
export async function paginate<T extends { id: string }>(
  em: EntityManager,
  entity: EntityName<T>,
  /** A filter, or a function making one: raw SQL fragments can be used in one query only. */
  filter: FilterQuery<T> | (() => FilterQuery<T>),
  page: PageRequest,
  connectionType: ClassType<ConnectionShape<T>>,
): Promise<ConnectionShape<T>> {
  const where = () => (typeof filter === 'function' ? filter() : filter);
  const pageWhere = (page.afterId ? { $and: [where(), { id: { $gt: page.afterId } }] } : where()) as FilterQuery<T>;
  const rows = await em.find(entity, pageWhere, {
    orderBy: { id: 'asc' } as QueryOrderMap<T>,
    limit: page.first + 1,
  });
  const hasNextPage = rows.length > page.first;
  const nodes = hasNextPage ? rows.slice(0, page.first) : rows;
  const edges = nodes.map((node) => ({ node, cursor: encodeCursor(node.id) }));
  const connection = new connectionType();
  Object.assign(connection, {
    edges,
    pageInfo: {
      hasNextPage,
      hasPreviousPage: page.afterId !== null,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges[edges.length - 1]?.cursor ?? null,
    },
    countFn: () => em.count(entity, where()),
  });
  return connection;
}
