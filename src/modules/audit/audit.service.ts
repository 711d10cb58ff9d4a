import type { FilterQuery } from '@mikro-orm/core';
import { ArgsType, Field, ID, InputType } from 'type-graphql';
import { IssueCollector } from '../../common/errors';
import { Connection, PageArgs, paginate, parsePageArgs } from '../../common/pagination';
import type { ServiceContext } from '../../server/context';
import { AuditAction, AuditEvent } from './audit.entity';

export const AuditEventConnection = Connection('AuditEvent', () => AuditEvent);

@InputType({ description: 'Every given condition must hold.' })
export class AuditEventFilter {
  @Field(() => String, { nullable: true, description: 'Entity name, e.g. Patient.' })
  entity?: string | null;

  @Field(() => ID, { nullable: true, description: 'Events that name this object id.' })
  entityId?: string | null;

  @Field(() => String, { nullable: true, description: 'Token subject, exactly.' })
  actor?: string | null;

  @Field(() => AuditAction, { nullable: true })
  action?: AuditAction | null;

  @Field(() => Date, { nullable: true, description: 'At or after this instant.' })
  from?: Date | null;

  @Field(() => Date, { nullable: true, description: 'Before this instant.' })
  to?: Date | null;
}

@ArgsType()
export class AuditEventsArgs extends PageArgs {
  @Field(() => AuditEventFilter, { nullable: true })
  filter?: AuditEventFilter | null;
}

/** Ids are matched inside the JSON id list: characters that would widen the match are refused. */
const ENTITY_ID = /^[A-Za-z0-9-]{1,64}$/;

export class AuditService {
  constructor(private readonly ctx: ServiceContext) {}

  /** Oldest first, keyset by id (UUIDv7: time order). */
  list(args: AuditEventsArgs) {
    const issues = new IssueCollector();
    const f = args.filter ?? {};
    if (f.entityId != null && !ENTITY_ID.test(f.entityId)) issues.add('filter.entityId', 'FORMAT', 'must be an id this API issued');
    if (f.from && f.to && f.from > f.to) issues.add('filter.to', 'BEFORE_FROM', 'must not be before filter.from');
    // eslint-disable-next-line no-control-regex -- a NUL in a bound parameter is a driver error
    for (const k of ['entity', 'actor'] as const) if (f[k] && /[\u0000-\u001f]/.test(f[k])) issues.add(`filter.${k}`, 'INVALID_CHARACTERS', 'contains control characters');
    const page = parsePageArgs(args, issues); // throws with every problem found so far
    const where: FilterQuery<AuditEvent>[] = [];
    if (f.entity) where.push({ entity: f.entity });
    if (f.entityId) where.push({ entityIdsJson: { $like: `%"${f.entityId}"%` } });
    if (f.actor) where.push({ actor: f.actor });
    if (f.action) where.push({ action: f.action });
    if (f.from) where.push({ at: { $gte: f.from } });
    if (f.to) where.push({ at: { $lt: f.to } });
    return paginate(this.ctx.em, AuditEvent, where.length ? { $and: where } : {}, page, AuditEventConnection);
  }
}
