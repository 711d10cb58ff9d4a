import { Arg, Authorized, Ctx, Field, FieldResolver, ID, Mutation, ObjectType, Query, Resolver, Root, registerEnumType } from 'type-graphql';
import { Role } from '../../common/enums';
import { Roles } from '../../auth/principal';
import type { Explanation } from '../../rules-engine';
import type { RequestContext } from '../../server/context';
import { Claim } from '../claim/claim.entity';
import { SubmitRefusal } from '../claim/claim.service';
import { SubmissionBatch } from '../submission/submission.entity';
import { DryRunClaimInput } from './scrub.inputs';
import { ClaimFinding, ClaimScrub } from './scrub.entity';
import {
  DryRunClaimPayload,
  ExplanationStep,
  explanationSteps,
  ReloadRuleSetsPayload,
  type RuleReloadStatus,
  RuleSetType,
  RulesStatus,
  ScrubClaimPayload,
  toRuleProblem,
  toRuleSetType,
  toScrubFinding,
} from './scrub.types';

/** Who may run the rules on a claim: the people who code, bill and audit. */
const SCRUB_ROLES = [Role.CODER, Role.BILLER, Role.COMPLIANCE, Role.ADMIN];

registerEnumType(SubmitRefusal, { name: 'SubmitRefusal', description: 'NOT_FOUND, NOT_READY (only READY claims are sent), HAS_ERRORS (ERROR findings under the rules in force).' });

@ObjectType()
class RefusedSubmission {
  @Field(() => ID) claimId!: string;
  @Field(() => SubmitRefusal) reason!: SubmitRefusal;
  @Field(() => String) message!: string;
  @Field(() => Claim, { nullable: true }) claim!: Claim | null;
  @Field(() => ClaimScrub, { nullable: true, description: 'For HAS_ERRORS: the scrub whose findings block it.' }) scrub!: ClaimScrub | null;
}

@ObjectType()
class SubmitClaimsPayload {
  @Field(() => [Claim], { description: 'Claims now SUBMITTED.' }) submitted!: Claim[];
  @Field(() => [RefusedSubmission]) refused!: RefusedSubmission[];
  @Field(() => SubmissionBatch, { nullable: true, description: 'The 837P interchange carrying the submitted claims (control numbers and X12 text); null when none was submitted.' }) batch!: SubmissionBatch | null;
}

@Resolver()
export class ScrubResolver {
  @Authorized(...SCRUB_ROLES)
  @Mutation(() => ScrubClaimPayload, { description: "Scrub a stored claim against its payer's rules now and store the findings. Findings are data: a claim with ERRORs is not an error." })
  async scrubClaim(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestContext): Promise<ScrubClaimPayload> {
    return Object.assign(new ScrubClaimPayload(), await ctx.services.scrubs.scrubStoredClaim(id));
  }

  @Authorized(...SCRUB_ROLES)
  @Mutation(() => DryRunClaimPayload, { description: 'Scrub a claim payload without storing anything (no claim history is consulted).' })
  async dryRunClaim(@Arg('input', () => DryRunClaimInput) input: DryRunClaimInput, @Ctx() ctx: RequestContext): Promise<DryRunClaimPayload> {
    const out = await ctx.services.scrubs.dryRunInput(input);
    return Object.assign(new DryRunClaimPayload(), {
      ruleSetKey: out.ruleSetKey,
      ruleSetVersion: out.ruleSetVersion,
      clean: !out.findings.some((f) => f.severity === 'ERROR'),
      findings: out.findings.map(toScrubFinding),
    });
  }

  @Authorized(...Roles.BILLING)
  @Mutation(() => SubmitClaimsPayload, { description: 'Submit READY claims. Each must have no ERROR findings under the rules in force (claims scrubbed under older rules are scrubbed again first); the rest are refused with the reason. The submitted claims go out in one 837P batch (batch.x12).' })
  async submitClaims(@Arg('ids', () => [ID]) ids: string[], @Ctx() ctx: RequestContext): Promise<SubmitClaimsPayload> {
    const result = await ctx.services.claims.submitClaims(ids);
    return Object.assign(new SubmitClaimsPayload(), { submitted: result.submitted, refused: result.refused.map((r) => Object.assign(new RefusedSubmission(), r)), batch: result.batch });
  }

  @Authorized(...Roles.ANY)
  @Query(() => [RuleSetType], { description: 'The payer rule sets in force.' })
  ruleSets(@Ctx() ctx: RequestContext): RuleSetType[] {
    return ctx.services.scrubs.ruleSets().map(toRuleSetType);
  }

  @Authorized(...Roles.ANY)
  @Query(() => RulesStatus, { description: 'Version of the rules in force and the problems of the last refused reload.' })
  rulesStatus(@Ctx() ctx: RequestContext): RulesStatus {
    const snap = ctx.rules?.currentOrNull() ?? null;
    return Object.assign(new RulesStatus(), { version: snap?.version ?? null, loadedAt: snap?.loadedAt ?? null, problems: (ctx.rules?.problems() ?? []).map(toRuleProblem) });
  }

  @Authorized(...Roles.COMPLIANCE)
  @Mutation(() => ReloadRuleSetsPayload, { description: 'Reload the rule files now. REFUSED lists every problem and keeps the previous rules in force.' })
  async reloadRuleSets(@Ctx() ctx: RequestContext): Promise<ReloadRuleSetsPayload> {
    const r = await ctx.services.scrubs.reload();
    return Object.assign(new ReloadRuleSetsPayload(), {
      status: r.status as RuleReloadStatus,
      problems: r.problems.map(toRuleProblem),
      version: r.snapshot?.version ?? null,
      ruleSets: r.snapshot ? [...r.snapshot.ruleSets.values()].map(toRuleSetType) : [],
    });
  }
}

@Resolver(() => Claim)
export class ClaimScrubFieldsResolver {
  @FieldResolver(() => ClaimScrub, { nullable: true, description: 'The newest scrub of this claim.' })
  lastScrub(@Root() c: Claim, @Ctx() ctx: RequestContext) {
    return ctx.loaders.latestScrubByClaimId.load(c.id);
  }

  @FieldResolver(() => [ClaimFinding], { description: 'Findings of the newest scrub (empty when never scrubbed).' })
  async findings(@Root() c: Claim, @Ctx() ctx: RequestContext) {
    const scrub = await ctx.loaders.latestScrubByClaimId.load(c.id);
    return scrub ? ctx.loaders.findingsByScrubId.load(scrub.id) : [];
  }
}

@Resolver(() => ClaimScrub)
export class ClaimScrubResolver {
  @FieldResolver(() => [ClaimFinding], { description: 'ERRORs first, then by line and rule id.' })
  findings(@Root() s: ClaimScrub, @Ctx() ctx: RequestContext) {
    return ctx.loaders.findingsByScrubId.load(s.id);
  }

  @FieldResolver(() => Boolean, { description: "True when the payer's rule set in force now has the version this scrub ran (otherwise submitClaims scrubs again)." })
  rulesCurrent(@Root() s: ClaimScrub, @Ctx() ctx: RequestContext): boolean {
    return ctx.rules?.ruleSet(s.ruleSetKey)?.version === s.ruleSetVersion;
  }

  @FieldResolver(() => Boolean, { description: 'True when the scrub found no ERROR.' })
  clean(@Root() s: ClaimScrub): boolean {
    return s.errorCount === 0;
  }
}

@Resolver(() => ClaimFinding)
export class ClaimFindingResolver {
  @FieldResolver(() => [ExplanationStep], { description: 'Which conditions held, with which fact values.' })
  explanation(@Root() f: ClaimFinding): ExplanationStep[] {
    return explanationSteps(f.explanation as Explanation);
  }
}
