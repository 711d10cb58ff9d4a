import { GraphQLSafeInt } from 'graphql-scalars';
import { Field, Float, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { APPEAL_DOCUMENTS, CORRECTION_FIELDS, REWORK_ACTIONS, type ForbiddenAction, type ReworkRecommendation } from '../../rules-engine';
import { LocalDateScalar } from '../../common/scalars';
import { Claim } from '../claim/claim.entity';
import { ExplanationStep, explanationSteps } from '../scrub/scrub.types';
import { ClaimScrub } from '../scrub/scrub.entity';
import { DenialReasonClass } from './classify';
import { DenialStatsSource, type DenialStatsResult } from './denial-stats';
import { Denial } from './denial.entity';
import { DenialActionOutcome } from './denial.service';

/** The rules engine's closed vocabularies as GraphQL enums (one source: src/rules-engine/types.ts). */
const asEnum = <T extends string>(values: readonly T[]) => Object.fromEntries(values.map((v) => [v, v])) as { [K in T]: K };
export const ReworkActionEnum = asEnum(REWORK_ACTIONS);
export const CorrectionFieldEnum = asEnum(CORRECTION_FIELDS);
export const AppealDocumentEnum = asEnum(APPEAL_DOCUMENTS);
registerEnumType(ReworkActionEnum, {
  name: 'ReworkAction',
  description: 'CORRECT_AND_RESUBMIT (reworkDenial), APPEAL (appealDenial), WRITE_OFF (writeOffDenial), BILL_PATIENT, BILL_OTHER_COVERAGE, VOID (voidClaim), CLOSE (changeDenialStatus CLOSED).',
});
registerEnumType(CorrectionFieldEnum, { name: 'CorrectionField', description: 'What a CORRECT_AND_RESUBMIT recommendation names as the thing to fix (rules/README.md, Rework rules).' });
registerEnumType(AppealDocumentEnum, { name: 'AppealDocument', description: 'What an APPEAL recommendation names as the documents to attach.' });
registerEnumType(DenialActionOutcome, {
  name: 'DenialActionOutcome',
  description: 'DONE: the action happened. SCRUB_ERRORS: the replacement or void claim it created stayed DRAFT with ERROR findings (see scrub). FORBIDDEN: a rework rule forbids the action (see forbiddenBy); nothing changed.',
});
registerEnumType(DenialStatsSource, {
  name: 'DenialStatsSource',
  description: 'REMITTANCES: the denominator is the claims posted 835s matched in the window. CLAIM_STATUS: no 835 covers the window, so it is the claims that reached PAID, PARTIALLY_PAID or DENIED in it.',
});

@ObjectType({ description: 'A recommended way to resolve a denial, from a rework rule (rules/rework), with the conditions that made the rule fire.' })
export class DenialRecommendation {
  @Field(() => ReworkActionEnum) action!: string;
  @Field(() => String) ruleId!: string;
  @Field(() => String, { description: "The rule's message, with the denial's values filled in." }) message!: string;
  @Field(() => String, { nullable: true }) note!: string | null;
  @Field(() => [CorrectionFieldEnum], { description: 'CORRECT_AND_RESUBMIT: what to fix.' }) fields!: string[];
  @Field(() => [AppealDocumentEnum], { description: 'APPEAL: what to attach.' }) documents!: string[];
  @Field(() => [ExplanationStep], { description: 'Which conditions held, with which fact values (same shape as a finding\'s explanation).' }) explanation!: ExplanationStep[];
}

@ObjectType({ description: 'An action that cannot succeed for this denial, and the rework rule that says so. The matching mutation refuses it (outcome FORBIDDEN).' })
export class ForbiddenDenialAction {
  @Field(() => ReworkActionEnum) action!: string;
  @Field(() => String) ruleId!: string;
  @Field(() => String) message!: string;
  @Field(() => [ExplanationStep]) explanation!: ExplanationStep[];
}

export const toRecommendation = (r: ReworkRecommendation): DenialRecommendation =>
  Object.assign(new DenialRecommendation(), { action: r.action, ruleId: r.ruleId, message: r.message, note: r.note, fields: r.fields, documents: r.documents, explanation: explanationSteps(r.explanation) });

export const toForbidden = (f: ForbiddenAction): ForbiddenDenialAction =>
  Object.assign(new ForbiddenDenialAction(), { action: f.action, ruleId: f.ruleId, message: f.message, explanation: explanationSteps(f.explanation) });

@ObjectType()
export class ChangeDenialStatusPayload {
  @Field(() => DenialActionOutcome) outcome!: DenialActionOutcome;
  @Field(() => String) message!: string;
  @Field(() => Denial) denial!: Denial;
  @Field(() => [ForbiddenDenialAction]) forbiddenBy!: ForbiddenDenialAction[];
}

@ObjectType({ description: 'DONE: the replacement is READY and the denial RESUBMITTED. SCRUB_ERRORS: the replacement stays DRAFT (scrub says why) and the denial IN_REWORK. FORBIDDEN: nothing changed.' })
export class ReworkDenialPayload {
  @Field(() => DenialActionOutcome) outcome!: DenialActionOutcome;
  @Field(() => String) message!: string;
  @Field(() => Denial) denial!: Denial;
  @Field(() => Claim, { nullable: true, description: 'The replacement claim (frequency 7).' }) replacementClaim!: Claim | null;
  @Field(() => ClaimScrub, { nullable: true, description: "The replacement's scrub on its move to READY." }) scrub!: ClaimScrub | null;
  @Field(() => [ForbiddenDenialAction]) forbiddenBy!: ForbiddenDenialAction[];
}

@ObjectType()
export class AppealDenialPayload {
  @Field(() => DenialActionOutcome) outcome!: DenialActionOutcome;
  @Field(() => String) message!: string;
  @Field(() => Denial) denial!: Denial;
  @Field(() => Claim, { description: 'The denied claim: APPEALED when its lifecycle allowed it.' }) claim!: Claim;
  @Field(() => [ForbiddenDenialAction]) forbiddenBy!: ForbiddenDenialAction[];
}

@ObjectType()
export class WriteOffDenialPayload {
  @Field(() => DenialActionOutcome) outcome!: DenialActionOutcome;
  @Field(() => String) message!: string;
  @Field(() => Denial) denial!: Denial;
  @Field(() => Claim, { description: 'The denied claim: WRITTEN_OFF once all its denials are settled, where its lifecycle allows.' }) claim!: Claim;
  @Field(() => [ForbiddenDenialAction]) forbiddenBy!: ForbiddenDenialAction[];
}

@ObjectType({ description: 'DONE: the void claim is READY and the claim VOIDED (its open denials CLOSED). SCRUB_ERRORS: the void stays DRAFT and nothing else changed. FORBIDDEN: nothing changed.' })
export class VoidClaimPayload {
  @Field(() => DenialActionOutcome) outcome!: DenialActionOutcome;
  @Field(() => String) message!: string;
  @Field(() => Claim, { description: 'The claim voided (or not).' }) claim!: Claim;
  @Field(() => Claim, { nullable: true, description: 'The void claim (frequency 8).' }) voidClaim!: Claim | null;
  @Field(() => ClaimScrub, { nullable: true }) scrub!: ClaimScrub | null;
  @Field(() => [ForbiddenDenialAction]) forbiddenBy!: ForbiddenDenialAction[];
  @Field(() => [Denial], { description: 'The open denials of the claim the void CLOSED.' }) closedDenials!: Denial[];
}

@ObjectType({ description: 'Denial figures of one payer in the window.' })
export class PayerDenialStatsType {
  @Field(() => ID) payerId!: string;
  @Field(() => Int) remittedClaimCount!: number;
  @Field(() => GraphQLSafeInt) billedAmountCents!: number;
  @Field(() => Int) denialCount!: number;
  @Field(() => Int) deniedClaimCount!: number;
  @Field(() => GraphQLSafeInt) deniedAmountCents!: number;
  @Field(() => Float, { nullable: true, description: 'Denied amount / billed amount; null when nothing was remitted.' }) amountRate!: number | null;
  @Field(() => Float, { nullable: true, description: 'Denied claims / remitted claims; null when nothing was remitted.' }) claimRate!: number | null;
}

@ObjectType()
export class CarcDenialStatsType {
  @Field(() => String, { description: 'CAS01 group code.' }) groupCode!: string;
  @Field(() => String) carc!: string;
  @Field(() => Int) count!: number;
  @Field(() => GraphQLSafeInt) amountCents!: number;
}

@ObjectType()
export class ReasonClassDenialStatsType {
  @Field(() => DenialReasonClass) reasonClass!: DenialReasonClass;
  @Field(() => Int) count!: number;
  @Field(() => GraphQLSafeInt) amountCents!: number;
}

@ObjectType({ description: 'Denials with a remittance date in [from, to]. Amounts are integer cents (SafeInt: sums may exceed 32 bits).' })
export class DenialStats {
  @Field(() => LocalDateScalar) from!: string;
  @Field(() => LocalDateScalar) to!: string;
  @Field(() => DenialStatsSource) source!: DenialStatsSource;
  @Field(() => Int, { description: 'Claims with a remittance in the window (the denominator).' }) remittedClaimCount!: number;
  @Field(() => GraphQLSafeInt, { description: 'Their total charges.' }) billedAmountCents!: number;
  @Field(() => Int) denialCount!: number;
  @Field(() => Int, { description: 'Claims with at least one denial in the window.' }) deniedClaimCount!: number;
  @Field(() => GraphQLSafeInt) deniedAmountCents!: number;
  @Field(() => Float, { nullable: true, description: 'Denial rate by amount: deniedAmountCents / billedAmountCents.' }) amountRate!: number | null;
  @Field(() => Float, { nullable: true, description: 'Denial rate by claims: deniedClaimCount / remittedClaimCount.' }) claimRate!: number | null;
  @Field(() => [PayerDenialStatsType], { description: 'Largest denied amount first.' }) byPayer!: PayerDenialStatsType[];
  @Field(() => [CarcDenialStatsType], { description: 'By group code and CARC, largest amount first.' }) byCarc!: CarcDenialStatsType[];
  @Field(() => [ReasonClassDenialStatsType]) byReasonClass!: ReasonClassDenialStatsType[];
  @Field(() => Int, { description: 'Denials no pre-submission rule predicted (predictedByRuleId null).' }) unpredictedCount!: number;
  @Field(() => GraphQLSafeInt) unpredictedAmountCents!: number;
  @Field(() => [CarcDenialStatsType], { description: 'The unpredicted denials by group code and CARC: the payer rules compliance is missing.' }) unpredictedByCarc!: CarcDenialStatsType[];
}

export function toDenialStats(r: DenialStatsResult): DenialStats {
  const rate = (n: number, d: number) => (d > 0 ? n / d : null);
  return Object.assign(new DenialStats(), {
    ...r,
    byPayer: r.byPayer.map((p) =>
      Object.assign(new PayerDenialStatsType(), { ...p, amountRate: rate(p.deniedAmountCents, p.billedAmountCents), claimRate: rate(p.deniedClaimCount, p.remittedClaimCount) }),
    ),
    byCarc: r.byCarc.map((c) => Object.assign(new CarcDenialStatsType(), c)),
    byReasonClass: r.byReasonClass.map((c) => Object.assign(new ReasonClassDenialStatsType(), c)),
    unpredictedByCarc: r.unpredictedByCarc.map((c) => Object.assign(new CarcDenialStatsType(), c)),
  });
}
