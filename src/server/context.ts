import type { EntityManager, MikroORM } from '@mikro-orm/core';
import type { Principal } from '../auth/principal';
import { AuditScope, forkWithAudit } from '../modules/audit/audit.scope';
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
  /** Who acts, for the audit trail; collects the ids whose PHI this request reads (src/modules/audit). */
  audit: AuditScope;
}

export function buildRequestContext(
  orm: MikroORM,
  principal: Principal,
  requestId: string,
  logger: Logger,
  rules: RuleRegistry | null,
): RequestContext {
  const audit = new AuditScope(principal.sub, principal.role, requestId);
  // Every write through this EntityManager (and its transactions' forks) is audited as `audit`.
  const em = forkWithAudit(orm.em, audit);
  const base: ServiceContext = { em, principal, requestId, logger, rules };
  return { ...base, audit, loaders: createLoaders(em), services: createServices(base) };
}
