import { Arg, Args, Authorized, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import { Roles } from '../../auth/principal';
import { parsePageArgs } from '../../common/pagination';
import { Payload, payload } from '../../common/payloads';
import { LocalDateScalar } from '../../common/scalars';
import type { RequestContext } from '../../server/context';
import { Code, CodeSystem } from './code.entity';
import { CodesArgs, CreateCodeInput } from './code.inputs';
import { CodeConnection } from './code.service';

const CreateCodePayload = Payload('CreateCodePayload', 'code', () => Code);

@Resolver(() => Code)
export class CodeResolver {
  @Authorized(...Roles.ANY)
  @Query(() => Code, { nullable: true, description: 'The row of a code in force on effectiveOn (the newest row when omitted).' })
  code(
    @Arg('system', () => CodeSystem) system: CodeSystem,
    @Arg('code', () => String) code: string,
    @Arg('effectiveOn', () => LocalDateScalar, { nullable: true }) effectiveOn: string | null,
    @Ctx() ctx: RequestContext,
  ) {
    return ctx.services.codes.get(system, code, effectiveOn);
  }

  @Authorized(...Roles.ANY)
  @Query(() => CodeConnection)
  codes(@Args(() => CodesArgs) args: CodesArgs, @Ctx() ctx: RequestContext) {
    return ctx.services.codes.list(args, parsePageArgs(args));
  }

  @Authorized(...Roles.COMPLIANCE)
  @Mutation(() => CreateCodePayload)
  async createCode(@Arg('input', () => CreateCodeInput) input: CreateCodeInput, @Ctx() ctx: RequestContext) {
    return payload(CreateCodePayload, 'code', await ctx.services.codes.create(input));
  }
}
