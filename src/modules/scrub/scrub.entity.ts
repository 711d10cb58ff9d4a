import { Entity, Enum, Index, ManyToOne, PrimaryKey, Property, type Opt, type Ref, DateTimeType } from '@mikro-orm/core';
import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { uuidv7 } from '../../common/ids';
import { Claim } from '../claim/claim.entity';

export enum FindingSeverity {
  ERROR = 'ERROR',
  WARNING = 'WARNING',
}
registerEnumType(FindingSeverity, { name: 'FindingSeverity', description: 'ERROR blocks submission; WARNING does not.' });

export enum FindingCategory {
  COVERAGE = 'COVERAGE',
  MEDICAL_NECESSITY = 'MEDICAL_NECESSITY',
  FILING = 'FILING',
  CODING = 'CODING',
  NCCI_PTP = 'NCCI_PTP',
  MUE = 'MUE',
  AUTHORIZATION = 'AUTHORIZATION',
  DUPLICATE = 'DUPLICATE',
  DATA = 'DATA',
}
registerEnumType(FindingCategory, { name: 'FindingCategory' });

export enum ScrubTrigger {
  READY = 'READY',
  MANUAL = 'MANUAL',
  SUBMIT = 'SUBMIT',
}
registerEnumType(ScrubTrigger, {
  name: 'ScrubTrigger',
  description: 'READY: the claim was moved to READY; MANUAL: scrubClaim; SUBMIT: rules changed since the last scrub, so submitClaims scrubbed again.',
});

/**
 * One evaluation of a claim against its payer's rule set: which rules (version), which claim
 * content (claim version), when, by whom. Append-only; the newest one is the claim's state.
 */
@ObjectType({ description: "One scrub of a claim against its payer's rule set." })
@Entity({ tableName: 'claim_scrub' })
@Index({ properties: ['claim', 'at'] })
export class ClaimScrub {
  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string = uuidv7();

  @ManyToOne(() => Claim, { ref: true, deleteRule: 'cascade' })
  claim!: Ref<Claim>;

  @Field(() => Int, { description: 'The claim version that was scrubbed.' })
  @Property({ type: 'integer' })
  claimVersion!: number;

  @Field(() => String)
  @Property({ type: 'string', length: 60 })
  ruleSetKey!: string;

  @Field(() => String, { description: 'Content hash of the rule set that ran.' })
  @Property({ type: 'string', length: 64 })
  ruleSetVersion!: string;

  @Field(() => ScrubTrigger)
  @Enum({ items: () => ScrubTrigger })
  trigger!: ScrubTrigger;

  @Field(() => Date)
  @Property({ type: DateTimeType })
  at: Date & Opt = new Date();

  @Field(() => String, { description: 'Token subject that caused the scrub.' })
  @Property({ type: 'string', length: 100 })
  actor!: string;

  @Field(() => Int)
  @Property({ type: 'integer' })
  errorCount!: number;

  @Field(() => Int)
  @Property({ type: 'integer' })
  warningCount!: number;
}

/** A rule that fired on a claim, stored with everything needed to explain it later. */
@ObjectType({ description: 'A payer rule that fired on a claim: what, where, why, and what the payer would deny with.' })
@Entity({ tableName: 'claim_finding' })
@Index({ properties: ['scrub'] })
@Index({ properties: ['claim'] })
@Index({ properties: ['ruleId'] })
export class ClaimFinding {
  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string = uuidv7();

  @ManyToOne(() => ClaimScrub, { ref: true, deleteRule: 'cascade' })
  scrub!: Ref<ClaimScrub>;

  @ManyToOne(() => Claim, { ref: true, deleteRule: 'cascade' })
  claim!: Ref<Claim>;

  @Field(() => String)
  @Property({ type: 'string', length: 60 })
  ruleId!: string;

  @Field(() => String)
  @Property({ type: 'string', length: 64 })
  ruleSetVersion!: string;

  @Field(() => FindingSeverity)
  @Enum({ items: () => FindingSeverity })
  severity!: FindingSeverity;

  @Field(() => FindingCategory)
  @Enum({ items: () => FindingCategory })
  category!: FindingCategory;

  @Field(() => String, { description: 'Claim Adjustment Reason Code the payer would deny with.' })
  @Property({ type: 'string', length: 4 })
  carc!: string;

  @Field(() => [String], { description: 'Remittance Advice Remark Codes.' })
  @Property({ type: 'json' })
  rarc: string[] = [];

  @Field(() => Int, { nullable: true, description: '1-based service line for line-level rules; null for the claim.' })
  @Property({ type: 'smallint', nullable: true })
  line?: number | null;

  @Field(() => String)
  @Property({ type: 'text' })
  message!: string;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  fixHint?: string | null;

  @Field(() => [String], { description: 'Reference-data release ids the rule read (code sets, NCCI, MUE, MCE, articles).' })
  @Property({ type: 'json' })
  referenceReleases: string[] = [];

  /** The condition tree with fact values (rules-engine Explanation). Codes and dates only: rules cannot see PHI. */
  @Property({ type: 'json' })
  explanation!: unknown;
}
