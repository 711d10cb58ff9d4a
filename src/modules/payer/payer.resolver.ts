import { Arg, Args, Authorized, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import { Roles } from '../../auth/principal';
import { parsePageArgs } from '../../common/pagination';
import { Payload, payload } from '../../common/payloads';
import type { RequestContext } from '../../server/context';
import { Payer } from './payer.entity';
import { CreatePayerInput, PayersArgs, UpdatePayerInput } from './payer.inputs';
import { PayerConnection } from './payer.service';

const CreatePayerPayload = Payload('CreatePayerPayload', 'payer', () => Payer);
const UpdatePayerPayload = Payload('UpdatePayerPayload', 'payer', () => Payer);

@Resolver(() => Payer)
export class PayerResolver {
  @Authorized(...Roles.ANY)
  @Query(() => Payer, { nullable: true })
  payer(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestContext): Promise<Payer | null> {
    return ctx.loaders.payerById.load(id);
  }

  @Authorized(...Roles.ANY)
  @Query(() => PayerConnection)
  payers(@Args(() => PayersArgs) args: PayersArgs, @Ctx() ctx: RequestContext) {
    return ctx.services.payers.list(args.search, parsePageArgs(args));
  }

  @Authorized(...Roles.COMPLIANCE)
  @Mutation(() => CreatePayerPayload)
  async createPayer(@Arg('input', () => CreatePayerInput) input: CreatePayerInput, @Ctx() ctx: RequestContext) {
    return payload(CreatePayerPayload, 'payer', await ctx.services.payers.create(input));
  }

  @Authorized(...Roles.COMPLIANCE)
  @Mutation(() => UpdatePayerPayload)
  async updatePayer(@Arg('input', () => UpdatePayerInput) input: UpdatePayerInput, @Ctx() ctx: RequestContext) {
    return payload(UpdatePayerPayload, 'payer', await ctx.services.payers.update(input));
  }
}
