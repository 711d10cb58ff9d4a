import type { EntityManager, MikroORM } from '@mikro-orm/core';
import type { Principal } from '../auth/principal';
import type { RuleRegistry } from '../rules-engine';
import { createLoaders, type Loaders } from './loaders';
import type { Logger } from './logger';
import { createServices, type Services } from './services';

/** What a service needs to act for a caller: their scope, a unit of work, a logger. */
export interface ServiceContext {
  em: EntityManager;
  principal: Principal;
  requestId: string;
  logger: Logger;
  /** The payer rules in force (null where nothing scrubs, e.g. a reference import from the CLI). */
  rules: RuleRegistry | null;
}

/** The per-request context: built once per request in `buildRequestContext`, nowhere else. */
export interface RequestContext extends ServiceContext {
  loaders: Loaders;
  services: Services;
}

export function buildRequestContext(
  orm: MikroORM,
  principal: Principal,
  requestId: string,
  logger: Logger,
  rules: RuleRegistry | null,
): RequestContext {
  const em = orm.em.fork();
  const base: ServiceContext = { em, principal, requestId, logger, rules };
  return { ...base, loaders: createLoaders(em), services: createServices(base) };
}
