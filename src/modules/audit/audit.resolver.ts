import { Args, Authorized, Ctx, Query, Resolver } from 'type-graphql';
import { Roles } from '../../auth/principal';
import type { RequestContext } from '../../server/context';
import { AuditEvent } from './audit.entity';
import { AuditEventConnection, AuditEventsArgs, AuditService } from './audit.service';

/** Read-only: the API has no mutation on the audit trail, and the database refuses UPDATE/DELETE. */
@Resolver(() => AuditEvent)
export class AuditResolver {
  @Authorized(...Roles.ADMIN)
  @Query(() => AuditEventConnection, { description: 'The audit trail (ADMIN): writes and PHI reads, with ids, never values.' })
  auditEvents(@Args(() => AuditEventsArgs) args: AuditEventsArgs, @Ctx() ctx: RequestContext) {
    return new AuditService(ctx).list(args);
  }
}
