import { Arg, Args, Authorized, Ctx, Field, FieldResolver, ID, Mutation, ObjectType, Query, Resolver, Root } from 'type-graphql';
import { ClaimScrub } from '../scrub/scrub.entity';
import { Roles } from '../../auth/principal';
import { parsePageArgs } from '../../common/pagination';
import { Payload, payload } from '../../common/payloads';
import type { RequestContext } from '../../server/context';
import { Coverage } from '../coverage/coverage.entity';
import { Encounter } from '../encounter/encounter.entity';
import { Patient } from '../patient/patient.entity';
import { Payer } from '../payer/payer.entity';
import { Provider } from '../provider/provider.entity';
import { CLAIM_TRANSITIONS, ClaimStatus } from './claim-status';
import { Claim, ClaimDiagnosis, ClaimHistory, ClaimLine } from './claim.entity';
import { ChangeClaimStatusInput, ClaimsArgs, CreateClaimInput, UpdateClaimInput } from './claim.inputs';
import { ClaimConnection } from './claim.service';

const CreateClaimPayload = Payload('CreateClaimPayload', 'claim', () => Claim);
const UpdateClaimPayload = Payload('UpdateClaimPayload', 'claim', () => Claim);
@ObjectType({ description: 'The claim after the change. A move to READY scrubs the claim: with ERROR findings it stays DRAFT, moved is false and scrub lists why.' })
class ChangeClaimStatusPayload {
  @Field(() => Claim)
  claim!: Claim;

  @Field(() => Boolean, { description: 'False when the claim did not move because its scrub found ERRORs.' })
  moved!: boolean;

  @Field(() => ClaimScrub, { nullable: true, description: 'The scrub a move to READY (or SUBMITTED) ran.' })
  scrub!: ClaimScrub | null;
}

@Resolver(() => Claim)
export class ClaimResolver {
  @Authorized(...Roles.ANY)
  @Query(() => Claim, { nullable: true })
  claim(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestContext): Promise<Claim | null> {
    return ctx.loaders.claimById.load(id);
  }

  @Authorized(...Roles.ANY)
  @Query(() => ClaimConnection)
  claims(@Args(() => ClaimsArgs) args: ClaimsArgs, @Ctx() ctx: RequestContext) {
    return ctx.services.claims.list(args.filter, parsePageArgs(args));
  }

  @Authorized(...Roles.BILLING)
  @Mutation(() => CreateClaimPayload, { description: 'Create a DRAFT claim from a CODED encounter for one coverage.' })
  async createClaim(@Arg('input', () => CreateClaimInput) input: CreateClaimInput, @Ctx() ctx: RequestContext) {
    return payload(CreateClaimPayload, 'claim', await ctx.services.claims.createFromEncounter(input));
  }

  @Authorized(...Roles.BILLING)
  @Mutation(() => UpdateClaimPayload, { description: 'Edit a DRAFT claim.' })
  async updateClaim(@Arg('input', () => UpdateClaimInput) input: UpdateClaimInput, @Ctx() ctx: RequestContext) {
    return payload(UpdateClaimPayload, 'claim', await ctx.services.claims.update(input));
  }

  @Authorized(...Roles.BILLING)
  @Mutation(() => ChangeClaimStatusPayload, { description: 'Move a claim to one of its allowedTransitions.' })
  async changeClaimStatus(@Arg('input', () => ChangeClaimStatusInput) input: ChangeClaimStatusInput, @Ctx() ctx: RequestContext) {
    const result = await ctx.services.claims.changeStatus(input);
    return Object.assign(new ChangeClaimStatusPayload(), result);
  }

  @FieldResolver(() => [ClaimStatus], { description: 'Statuses this claim may move to next.' })
  allowedTransitions(@Root() claim: Claim): readonly ClaimStatus[] {
    return CLAIM_TRANSITIONS[claim.status];
  }

  @FieldResolver(() => Patient)
  patient(@Root() c: Claim, @Ctx() ctx: RequestContext) {
    return ctx.loaders.patientById.load(c.patient.id);
  }

  @FieldResolver(() => Payer)
  payer(@Root() c: Claim, @Ctx() ctx: RequestContext) {
    return ctx.loaders.payerById.load(c.payer.id);
  }

  @FieldResolver(() => Coverage)
  coverage(@Root() c: Claim, @Ctx() ctx: RequestContext) {
    return ctx.loaders.coverageById.load(c.coverage.id);
  }

  @FieldResolver(() => Encounter, { nullable: true })
  encounter(@Root() c: Claim, @Ctx() ctx: RequestContext) {
    return c.encounter ? ctx.loaders.encounterById.load(c.encounter.id) : null;
  }

  @FieldResolver(() => Provider)
  billingProvider(@Root() c: Claim, @Ctx() ctx: RequestContext) {
    return ctx.loaders.providerById.load(c.billingProvider.id);
  }

  @FieldResolver(() => Provider, { nullable: true })
  renderingProvider(@Root() c: Claim, @Ctx() ctx: RequestContext) {
    return c.renderingProvider ? ctx.loaders.providerById.load(c.renderingProvider.id) : null;
  }

  @FieldResolver(() => Claim, { nullable: true, description: 'The claim this one replaces or voids.' })
  originalClaim(@Root() c: Claim, @Ctx() ctx: RequestContext) {
    return c.originalClaim ? ctx.loaders.claimById.load(c.originalClaim.id) : null;
  }

  @FieldResolver(() => [ClaimDiagnosis])
  diagnoses(@Root() c: Claim, @Ctx() ctx: RequestContext) {
    return ctx.loaders.claimDiagnosesByClaimId.load(c.id);
  }

  @FieldResolver(() => [ClaimLine])
  lines(@Root() c: Claim, @Ctx() ctx: RequestContext) {
    return ctx.loaders.claimLinesByClaimId.load(c.id);
  }

  @FieldResolver(() => [ClaimHistory], { description: 'Every change, oldest first.' })
  history(@Root() c: Claim, @Ctx() ctx: RequestContext) {
    return ctx.loaders.claimHistoryByClaimId.load(c.id);
  }
}
