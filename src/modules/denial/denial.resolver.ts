import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Roles } from '../../auth/principal';
import { daysBetween } from '../../rules-engine/facts';
import { Role } from '../../common/enums';
import { today, toLocalDate } from '../../common/dates';
import { parsePageArgs } from '../../common/pagination';
import { LocalDateScalar } from '../../common/scalars';
import type { RequestContext } from '../../server/context';
import { Claim, ClaimLine } from '../claim/claim.entity';
import { Payer } from '../payer/payer.entity';
import { denialStats } from './denial-stats';
import { DENIAL_TRANSITIONS } from './denial-status';
import { DenialHistory } from './denial-history.entity';
import { Denial, DenialStatus } from './denial.entity';
import { AppealDenialInput, ChangeDenialStatusInput, DenialsArgs, ReworkDenialInput, VoidClaimInput, WriteOffDenialInput } from './denial.inputs';
import { DenialConnection, type ClaimActionResult, type DenialActionResult } from './denial.service';
import {
  AppealDenialPayload,
  ChangeDenialStatusPayload,
  DenialRecommendation,
  DenialStats,
  ForbiddenDenialAction,
  PayerDenialStatsType,
  ReworkDenialPayload,
  toDenialStats,
  toForbidden,
  toRecommendation,
  VoidClaimPayload,
  WriteOffDenialPayload,
} from './denial.types';

/** Who reads the denial queue and statistics: billers work it, compliance audits it. */
const DENIAL_READERS = [Role.BILLER, Role.COMPLIANCE, Role.ADMIN];

const withForbidden = <T extends DenialActionResult>(r: T) => ({ ...r, forbiddenBy: r.forbiddenBy.map(toForbidden) });

@Resolver(() => Denial)
export class DenialResolver {
  @Authorized(...DENIAL_READERS)
  @Query(() => Denial, { nullable: true })
  denial(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestContext): Promise<Denial | null> {
    return ctx.loaders.denialById.load(id);
  }

  @Authorized(...DENIAL_READERS)
  @Query(() => DenialConnection, { description: "The billers' work queue: filter, then order by AMOUNT, AGE (default) or DEADLINE; keyset cursors." })
  denials(@Args(() => DenialsArgs) args: DenialsArgs, @Ctx() ctx: RequestContext) {
    const { first } = parsePageArgs({ first: args.first });
    return ctx.services.denials.list(args.filter, args.orderBy, { first, after: args.after ?? null });
  }

  @Authorized(...DENIAL_READERS)
  @Query(() => DenialStats, { description: 'Denial rate and denied amounts by payer, CARC and reason class for remittance dates in [from, to], and the denials no payer rule predicted.' })
  async denialStats(@Arg('from', () => LocalDateScalar) from: string, @Arg('to', () => LocalDateScalar) to: string, @Ctx() ctx: RequestContext): Promise<DenialStats> {
    return toDenialStats(await denialStats(ctx.em, from, to));
  }

  @Authorized(...Roles.BILLING)
  @Mutation(() => ChangeDenialStatusPayload, { description: 'Take a denial into rework (IN_REWORK), release it (OPEN) or close it (CLOSED).' })
  async changeDenialStatus(@Arg('input', () => ChangeDenialStatusInput) input: ChangeDenialStatusInput, @Ctx() ctx: RequestContext): Promise<ChangeDenialStatusPayload> {
    return Object.assign(new ChangeDenialStatusPayload(), withForbidden(await ctx.services.denials.changeStatus(input)));
  }

  @Authorized(...Roles.BILLING)
  @Mutation(() => ReworkDenialPayload, {
    description: 'Correct the denied claim as a replacement (frequency 7, REF*F8, original → REPLACED) and scrub it: READY resubmits the denial; ERROR findings keep it DRAFT and the denial IN_REWORK.',
  })
  async reworkDenial(@Arg('input', () => ReworkDenialInput) input: ReworkDenialInput, @Ctx() ctx: RequestContext): Promise<ReworkDenialPayload> {
    return Object.assign(new ReworkDenialPayload(), withForbidden(await ctx.services.denials.rework(input)));
  }

  @Authorized(...Roles.BILLING)
  @Mutation(() => AppealDenialPayload, { description: 'Appeal a denial (refused as FORBIDDEN when a rework rule forbids APPEAL, e.g. CO-29 with N211).' })
  async appealDenial(@Arg('input', () => AppealDenialInput) input: AppealDenialInput, @Ctx() ctx: RequestContext): Promise<AppealDenialPayload> {
    return Object.assign(new AppealDenialPayload(), withForbidden<ClaimActionResult>(await ctx.services.denials.appeal(input)));
  }

  @Authorized(...Roles.BILLING)
  @Mutation(() => WriteOffDenialPayload, { description: 'Write a denial off; the claim is WRITTEN_OFF once all its denials are settled.' })
  async writeOffDenial(@Arg('input', () => WriteOffDenialInput) input: WriteOffDenialInput, @Ctx() ctx: RequestContext): Promise<WriteOffDenialPayload> {
    return Object.assign(new WriteOffDenialPayload(), withForbidden<ClaimActionResult>(await ctx.services.denials.writeOff(input)));
  }

  @Authorized(...Roles.BILLING)
  @Mutation(() => VoidClaimPayload, { description: 'Void a remitted claim with a frequency-8 claim (REF*F8): the void is created READY and the claim VOIDED; its open denials are CLOSED.' })
  async voidClaim(@Arg('input', () => VoidClaimInput) input: VoidClaimInput, @Ctx() ctx: RequestContext): Promise<VoidClaimPayload> {
    const r = await ctx.services.denials.voidClaim(input);
    return Object.assign(new VoidClaimPayload(), { ...r, forbiddenBy: r.forbiddenBy.map(toForbidden) });
  }

  @FieldResolver(() => Claim)
  claim(@Root() d: Denial, @Ctx() ctx: RequestContext) {
    return ctx.loaders.claimById.load(d.claim.id);
  }

  @FieldResolver(() => Payer)
  payer(@Root() d: Denial, @Ctx() ctx: RequestContext) {
    return ctx.loaders.payerById.load(d.payer.id);
  }

  @FieldResolver(() => ClaimLine, { nullable: true, description: 'The denied service line; null for a claim-level denial.' })
  line(@Root() d: Denial, @Ctx() ctx: RequestContext) {
    return d.line ? ctx.loaders.claimLineById.load(d.line.id) : null;
  }

  @FieldResolver(() => Claim, { nullable: true, description: 'The replacement claim a rework created (frequency 7).' })
  replacementClaim(@Root() d: Denial, @Ctx() ctx: RequestContext) {
    return d.replacementClaim ? ctx.loaders.claimById.load(d.replacementClaim.id) : null;
  }

  @FieldResolver(() => [DenialStatus], { description: 'Statuses this denial may move to next.' })
  allowedTransitions(@Root() d: Denial): readonly DenialStatus[] {
    return DENIAL_TRANSITIONS[d.status as DenialStatus];
  }

  @FieldResolver(() => Int, { description: 'Days since the remittance date.' })
  ageDays(@Root() d: Denial): number {
    return daysBetween(toLocalDate(d.deniedOn), today());
  }

  @FieldResolver(() => [DenialHistory], { description: 'Every change, oldest first.' })
  history(@Root() d: Denial, @Ctx() ctx: RequestContext) {
    return ctx.loaders.denialHistoryByDenialId.load(d.id);
  }

  @FieldResolver(() => [DenialRecommendation], { description: 'What the rework rules recommend (higher priority first), without the actions they forbid.' })
  async recommendations(@Root() d: Denial, @Ctx() ctx: RequestContext): Promise<DenialRecommendation[]> {
    return (await ctx.services.denials.advice(d)).recommendations.map(toRecommendation);
  }

  @FieldResolver(() => [ForbiddenDenialAction], { description: 'Actions the rework rules say cannot succeed for this denial.' })
  async forbiddenActions(@Root() d: Denial, @Ctx() ctx: RequestContext): Promise<ForbiddenDenialAction[]> {
    return (await ctx.services.denials.advice(d)).forbidden.map(toForbidden);
  }
}

@Resolver(() => PayerDenialStatsType)
export class PayerDenialStatsResolver {
  @FieldResolver(() => Payer)
  payer(@Root() p: PayerDenialStatsType, @Ctx() ctx: RequestContext) {
    return ctx.loaders.payerById.load(p.payerId);
  }
}
