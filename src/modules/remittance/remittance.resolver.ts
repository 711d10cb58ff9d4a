import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Roles } from '../../auth/principal';
import { PageArgs, parsePageArgs } from '../../common/pagination';
import type { RequestContext } from '../../server/context';
import { Claim, ClaimLine } from '../claim/claim.entity';
import { Denial } from '../denial/denial.entity';
import { firedBeforeSubmission } from '../denial/predict';
import { Adjustment, AdjustmentLevel, ClaimPayment, ProviderAdjustment, Remittance, ServicePayment } from './remittance.entity';
import { ImportRemittanceFileInput, ImportRemittancePayload } from './remittance.inputs';
import { RemittanceConnection, type PostRemittanceResult } from './remittance.service';

function toPayload(r: PostRemittanceResult): ImportRemittancePayload {
  return Object.assign(new ImportRemittancePayload(), {
    status: r.status,
    remittances: r.remittances,
    claimPaymentIds: r.claimPaymentIds,
    unmatchedClaimPaymentIds: r.unmatchedClaimPaymentIds,
    claimPaymentCount: r.claimPaymentIds.length,
    unmatchedCount: r.unmatchedClaimPaymentIds.length,
    denials: r.denials,
    warnings: r.warnings,
    problems: r.problems,
    message: r.message,
  });
}

@Resolver(() => Remittance)
export class RemittanceResolver {
  @Authorized(...Roles.ANY)
  @Query(() => RemittanceConnection, { description: 'Posted 835 remittances, oldest first.' })
  remittances(@Args(() => PageArgs) args: PageArgs, @Ctx() ctx: RequestContext) {
    return ctx.services.remittances.list(parsePageArgs(args));
  }

  @Authorized(...Roles.ANY)
  @Query(() => Remittance, { nullable: true })
  remittance(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestContext): Promise<Remittance | null> {
    return ctx.loaders.remittanceById.load(id);
  }

  @Authorized(...Roles.BILLING)
  @Mutation(() => ImportRemittancePayload, {
    description:
      'Post an X12 835 (005010X221A1): payments and adjustments per claim and line, claim status moves, denials. All or nothing; the same file or payment twice posts nothing (ALREADY_POSTED). ' +
      'A refused file comes back as status REFUSED with segment positions. Files over the JSON body limit: importRemittanceFile.',
  })
  async importRemittance(
    @Arg('x12', () => String) x12: string,
    @Arg('acceptUnbalanced', () => Boolean, { nullable: true, description: 'Post even when BPR02 ≠ Σ CLP04 − Σ PLB (recorded as balanced: false).' }) acceptUnbalanced: boolean | null,
    @Ctx() ctx: RequestContext,
  ): Promise<ImportRemittancePayload> {
    return toPayload(await ctx.services.remittances.post(x12, { acceptUnbalanced: acceptUnbalanced ?? false }));
  }

  @Authorized(...Roles.BILLING)
  @Mutation(() => ImportRemittancePayload, { description: 'importRemittance for an uploaded file (GraphQL multipart request; send `apollo-require-preflight: true`).' })
  async importRemittanceFile(@Arg('input', () => ImportRemittanceFileInput) input: ImportRemittanceFileInput, @Ctx() ctx: RequestContext): Promise<ImportRemittancePayload> {
    const upload = await input.file;
    const chunks: Buffer[] = [];
    for await (const chunk of upload.createReadStream()) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string));
    const fileName = upload.filename ? upload.filename.replace(/^.*[\\/]/, '').replace(/[^A-Za-z0-9._-]/g, '_') : null;
    return toPayload(await ctx.services.remittances.post(Buffer.concat(chunks), { acceptUnbalanced: input.acceptUnbalanced ?? false, fileName }));
  }

  @FieldResolver(() => [ClaimPayment], { description: 'The claim payments (CLP) in file order.' })
  claimPayments(@Root() r: Remittance, @Ctx() ctx: RequestContext) {
    return ctx.loaders.claimPaymentsByRemittanceId.load(r.id);
  }

  @FieldResolver(() => [ProviderAdjustment], { description: 'Provider-level adjustments (PLB).' })
  providerAdjustments(@Root() r: Remittance, @Ctx() ctx: RequestContext) {
    return ctx.loaders.providerAdjustmentsByRemittanceId.load(r.id);
  }
}

@Resolver(() => ImportRemittancePayload)
export class ImportRemittancePayloadResolver {
  @FieldResolver(() => [ClaimPayment], { description: 'Claim payments posted now, in file order (loaded when asked for).' })
  claimPayments(@Root() p: ImportRemittancePayload, @Ctx() ctx: RequestContext) {
    return ctx.loaders.claimPaymentById.loadMany(p.claimPaymentIds);
  }

  @FieldResolver(() => [ClaimPayment], { description: 'Claim payments posted now whose CLP01 matched no claim here.' })
  unmatchedClaimPayments(@Root() p: ImportRemittancePayload, @Ctx() ctx: RequestContext) {
    return ctx.loaders.claimPaymentById.loadMany(p.unmatchedClaimPaymentIds);
  }
}

@Resolver(() => ClaimPayment)
export class ClaimPaymentResolver {
  @FieldResolver(() => Remittance)
  async remittance(@Root() p: ClaimPayment, @Ctx() ctx: RequestContext) {
    return ctx.loaders.remittanceById.load(p.remittance.id);
  }

  @FieldResolver(() => Claim, { nullable: true, description: 'The claim CLP01 matched; null when unmatched.' })
  claim(@Root() p: ClaimPayment, @Ctx() ctx: RequestContext) {
    return p.claim ? ctx.loaders.claimById.load(p.claim.id) : null;
  }

  @FieldResolver(() => [ServicePayment], { description: 'Service lines (SVC) in file order.' })
  services(@Root() p: ClaimPayment, @Ctx() ctx: RequestContext) {
    return ctx.loaders.servicePaymentsByClaimPaymentId.load(p.id);
  }

  @FieldResolver(() => [Adjustment], { description: 'Claim-level adjustments (loop 2100 CAS); line-level ones are on services.' })
  async adjustments(@Root() p: ClaimPayment, @Ctx() ctx: RequestContext) {
    return (await ctx.loaders.adjustmentsByClaimPaymentId.load(p.id)).filter((a) => a.level === AdjustmentLevel.CLAIM);
  }

  @FieldResolver(() => [Denial], { nullable: true, description: 'Denials this payment created (BILLER, COMPLIANCE, ADMIN; null for other roles, src/auth/phi.ts).' })
  denials(@Root() p: ClaimPayment, @Ctx() ctx: RequestContext) {
    return ctx.loaders.denialsByClaimPaymentId.load(p.id);
  }

  @FieldResolver(() => ID, { nullable: true, description: 'For a reversal (CLP02 22): the payment it reverses.' })
  reversesId(@Root() p: ClaimPayment): string | null {
    return p.reverses?.id ?? null;
  }

  @FieldResolver(() => ID, { nullable: true, description: 'For a reversed payment: the reversal.' })
  reversedById(@Root() p: ClaimPayment): string | null {
    return p.reversedBy?.id ?? null;
  }
}

@Resolver(() => ServicePayment)
export class ServicePaymentResolver {
  @FieldResolver(() => [Adjustment], { description: 'Line-level adjustments (loop 2110 CAS).' })
  adjustments(@Root() s: ServicePayment, @Ctx() ctx: RequestContext) {
    return ctx.loaders.adjustmentsByServicePaymentId.load(s.id);
  }

  @FieldResolver(() => ClaimLine, { nullable: true, description: 'The claim line it pays (REF*6R, else code and date); null when none matched.' })
  claimLine(@Root() s: ServicePayment, @Ctx() ctx: RequestContext) {
    return s.claimLine ? ctx.loaders.claimLineById.load(s.claimLine.id) : null;
  }
}

@Resolver(() => Claim)
export class ClaimPaymentsFieldResolver {
  @FieldResolver(() => [ClaimPayment], { description: '835 claim payments posted for this claim, oldest first (reversals included).' })
  payments(@Root() c: Claim, @Ctx() ctx: RequestContext) {
    return ctx.loaders.claimPaymentsByClaimId.load(c.id);
  }
}

/** Closing the loop (issue 5 item 7): did the rule that predicted a denial fire before the claim went out? */
@Resolver(() => Denial)
export class DenialPredictionResolver {
  @FieldResolver(() => Boolean, {
    nullable: true,
    description:
      "Whether predictedByRuleId fired on the claim's last scrub (a finding with that rule id): true means the claim went out despite a warning; false means the rule did not catch it. Null when no rule predicts the denial or the claim was never scrubbed.",
  })
  async ruleFiredBeforeSubmission(@Root() d: Denial, @Ctx() ctx: RequestContext): Promise<boolean | null> {
    if (!d.predictedByRuleId) return null;
    const scrub = await ctx.loaders.latestScrubByClaimId.load(d.claim.id);
    if (!scrub) return null;
    const findings = await ctx.loaders.findingsByScrubId.load(scrub.id);
    return firedBeforeSubmission(d.predictedByRuleId, findings.map((f) => f.ruleId));
  }
}
