import { Arg, Args, Authorized, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import { Roles } from '../../auth/principal';
import { parsePageArgs } from '../../common/pagination';
import { Payload, payload } from '../../common/payloads';
import type { RequestContext } from '../../server/context';
import { Provider } from './provider.entity';
import { CreateProviderInput, ProvidersArgs, UpdateProviderInput } from './provider.inputs';
import { ProviderConnection } from './provider.service';

const CreateProviderPayload = Payload('CreateProviderPayload', 'provider', () => Provider);
const UpdateProviderPayload = Payload('UpdateProviderPayload', 'provider', () => Provider);

@Resolver(() => Provider)
export class ProviderResolver {
  @Authorized(...Roles.ANY)
  @Query(() => Provider, { nullable: true })
  provider(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestContext): Promise<Provider | null> {
    return ctx.loaders.providerById.load(id);
  }

  @Authorized(...Roles.ANY)
  @Query(() => ProviderConnection)
  providers(@Args(() => ProvidersArgs) args: ProvidersArgs, @Ctx() ctx: RequestContext) {
    return ctx.services.providers.list(args.filter, parsePageArgs(args));
  }

  @Authorized(...Roles.ADMIN)
  @Mutation(() => CreateProviderPayload)
  async createProvider(@Arg('input', () => CreateProviderInput) input: CreateProviderInput, @Ctx() ctx: RequestContext) {
    return payload(CreateProviderPayload, 'provider', await ctx.services.providers.create(input));
  }

  @Authorized(...Roles.ADMIN)
  @Mutation(() => UpdateProviderPayload)
  async updateProvider(@Arg('input', () => UpdateProviderInput) input: UpdateProviderInput, @Ctx() ctx: RequestContext) {
    return payload(UpdateProviderPayload, 'provider', await ctx.services.providers.update(input));
  }
}
