import { Entity, Enum, Index, ManyToOne, Property, type Opt, type Ref } from '@mikro-orm/core';
import { Field, Int, ObjectType, registerEnumType } from 'type-graphql';
import { BaseEntity } from '../../common/base.entity';
import { LocalDateScalar } from '../../common/scalars';
import { Claim, ClaimLine } from '../claim/claim.entity';
import { Payer } from '../payer/payer.entity';
import { DenialReasonClass, DenialScenario } from './classify';

registerEnumType(DenialScenario, { name: 'DenialScenario', description: 'CAQH CORE business scenario (CORE rule 360).' });
registerEnumType(DenialReasonClass, { name: 'DenialReasonClass', description: 'The work queue a biller picks the denial from.' });

export enum DenialStatus {
  OPEN = 'OPEN',
  IN_REWORK = 'IN_REWORK',
  RESUBMITTED = 'RESUBMITTED',
  APPEALED = 'APPEALED',
  CLOSED = 'CLOSED',
  WRITTEN_OFF = 'WRITTEN_OFF',
}
registerEnumType(DenialStatus, { name: 'DenialStatus', description: 'OPEN → IN_REWORK → RESUBMITTED or APPEALED → CLOSED or WRITTEN_OFF.' });

/** Why an amount was given up: for reporting (which write-offs a better rule set would have prevented). */
export enum WriteOffReason {
  /** Filed too late (CARC 29), or a resubmission would be. */
  TIMELY_FILING = 'TIMELY_FILING',
  /** The payer affords no appeal (N211, MA130) and nothing can be corrected. */
  NOT_APPEALABLE = 'NOT_APPEALABLE',
  /** Every appeal level was lost. */
  APPEALS_EXHAUSTED = 'APPEALS_EXHAUSTED',
  /** Correctly bundled into another service (NCCI). */
  BUNDLED = 'BUNDLED',
  /** No authorization, and the payer refused a retroactive one. */
  NO_AUTHORIZATION = 'NO_AUTHORIZATION',
  /** Not medically necessary with no ABN on file: the provider is liable. */
  PROVIDER_LIABILITY = 'PROVIDER_LIABILITY',
  /** Not worth the cost of working it. */
  SMALL_BALANCE = 'SMALL_BALANCE',
  OTHER = 'OTHER',
}
registerEnumType(WriteOffReason, { name: 'WriteOffReason', description: 'Why a denial was written off (reporting category; details go in the note).' });

/**
 * A claim or a line left unpaid by a remittance for a reason the provider can act on (see
 * classify.ts): the unit of a biller's work queue.
 */
@ObjectType({ description: 'A claim or service line the payer left unpaid for an actionable reason.' })
@Entity({ tableName: 'denial' })
@Index({ properties: ['status', 'createdAt'] })
@Index({ properties: ['claim'] })
@Index({ properties: ['payer', 'deniedOn'] })
// Keyset pagination of the work queue (denial.service.ts): one index per sort key, id as tie-breaker.
@Index({ properties: ['amountCents', 'id'] })
@Index({ properties: ['deniedOn', 'id'] })
@Index({ properties: ['appealDeadline', 'id'] })
export class Denial extends BaseEntity {
  @ManyToOne(() => Claim, { ref: true })
  claim!: Ref<Claim>;

  /** Null for a claim-level denial. */
  @ManyToOne(() => ClaimLine, { ref: true, nullable: true })
  line?: Ref<ClaimLine> | null;

  @Field(() => Int, { nullable: true, description: 'LX line number, null for the whole claim.' })
  @Property({ type: 'smallint', nullable: true })
  lineNumber?: number | null;

  @ManyToOne(() => Payer, { ref: true })
  payer!: Ref<Payer>;

  /** The 835 claim payment (CLP) that reported it; its module owns the relation. */
  @Property({ type: 'uuid', nullable: true })
  claimPaymentId?: string | null;

  @Field(() => String, { description: 'CAS01 group code: CO, OA or PI (PR is patient responsibility, never a denial).' })
  @Property({ type: 'string', length: 2 })
  groupCode!: string;

  @Field(() => String, { description: 'Claim Adjustment Reason Code.' })
  @Property({ type: 'string', length: 4 })
  carc!: string;

  @Field(() => [String], { description: 'Remittance Advice Remark Codes (LQ*HE, MOA/MIA).' })
  @Property({ type: 'json' })
  rarcs: string[] = [];

  @Field(() => Int, { description: 'Unpaid amount in integer cents.' })
  @Property({ type: 'integer' })
  amountCents!: number;

  @Field(() => DenialScenario)
  @Enum({ items: () => DenialScenario })
  scenario!: DenialScenario;

  @Field(() => DenialReasonClass)
  @Enum({ items: () => DenialReasonClass })
  reasonClass!: DenialReasonClass;

  @Field(() => DenialStatus)
  @Enum({ items: () => DenialStatus })
  status: DenialStatus & Opt = DenialStatus.OPEN;

  @Field(() => LocalDateScalar, { description: 'The remittance date (835 BPR16 / DTM*405).' })
  @Property({ type: 'date' })
  deniedOn!: string;

  @Field(() => LocalDateScalar, { nullable: true, description: "Last day to appeal: deniedOn + the payer's appealDays." })
  @Property({ type: 'date', nullable: true })
  appealDeadline?: string | null;

  @Field(() => String, { nullable: true, description: 'The pre-submission rule that should have caught it (same CARC and category), when one exists.' })
  @Property({ type: 'string', length: 60, nullable: true })
  predictedByRuleId?: string | null;

  /** The replacement claim a rework created (frequency 7). */
  @ManyToOne(() => Claim, { ref: true, nullable: true })
  replacementClaim?: Ref<Claim> | null;

  @Field(() => String, { nullable: true, description: 'Appeal or write-off note (no PHI: the UI says so).' })
  @Property({ type: 'text', nullable: true })
  note?: string | null;

  @Field(() => WriteOffReason, { nullable: true, description: 'Set by writeOffDenial.' })
  @Enum({ items: () => WriteOffReason, nullable: true })
  writeOffReason?: WriteOffReason | null;
}
