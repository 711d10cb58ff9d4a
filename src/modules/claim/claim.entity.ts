import { Collection, Entity, Enum, Index, ManyToOne, OneToMany, OptionalProps, PrimaryKey, Property, Unique, type Opt, type Ref, DateTimeType } from '@mikro-orm/core';
import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { BaseEntity } from '../../common/base.entity';
import { uuidv7 } from '../../common/ids';
import { LocalDateScalar } from '../../common/scalars';
import { Coverage } from '../coverage/coverage.entity';
import { Encounter } from '../encounter/encounter.entity';
import { Patient } from '../patient/patient.entity';
import { Payer } from '../payer/payer.entity';
import { Provider } from '../provider/provider.entity';
import { ClaimFrequency, ClaimStatus, ClaimType } from './claim-status';

@ObjectType({ description: 'A bill to one payer under one coverage, with its own copy of the coded services.' })
@Entity({ tableName: 'claim' })
@Unique({ properties: ['patientControlNumber'] })
@Index({ properties: ['status', 'serviceDateFrom'] })
@Index({ properties: ['payer', 'serviceDateFrom'] })
@Index({ properties: ['patient'] })
export class Claim extends BaseEntity {
  [OptionalProps]?: 'claimType' | 'frequency' | 'status' | 'createdAt' | 'updatedAt' | 'version';

  @ManyToOne(() => Patient, { ref: true })
  patient!: Ref<Patient>;

  @ManyToOne(() => Payer, { ref: true })
  payer!: Ref<Payer>;

  @ManyToOne(() => Coverage, { ref: true })
  coverage!: Ref<Coverage>;

  /** Null for claims that did not come from an encounter here (e.g. imported 837s). */
  @ManyToOne(() => Encounter, { ref: true, nullable: true })
  encounter?: Ref<Encounter> | null;

  @ManyToOne(() => Provider, { ref: true })
  billingProvider!: Ref<Provider>;

  @ManyToOne(() => Provider, { ref: true, nullable: true })
  renderingProvider?: Ref<Provider> | null;

  /** The claim this one replaces or voids (frequency 7/8). */
  @ManyToOne(() => Claim, { ref: true, nullable: true })
  originalClaim?: Ref<Claim> | null;

  @Field(() => String, { description: 'CLM01: the provider\'s claim id, echoed back by the payer in the 835 CLP01.' })
  @Property({ type: 'string', length: 38 })
  patientControlNumber!: string;

  @Field(() => ClaimType)
  @Enum({ items: () => ClaimType })
  claimType: ClaimType = ClaimType.PROFESSIONAL;

  @Field(() => ClaimFrequency)
  @Enum({ items: () => ClaimFrequency })
  frequency: ClaimFrequency = ClaimFrequency.ORIGINAL;

  @Field(() => String, { nullable: true, description: "The payer's claim control number (835 CLP07); sent as REF*F8 on frequency 7/8." })
  @Property({ type: 'string', length: 50, nullable: true })
  payerClaimNumber?: string | null;

  @Field(() => String, { nullable: true, description: 'Prior authorization number (REF*G1).' })
  @Property({ type: 'string', length: 50, nullable: true })
  priorAuthNumber?: string | null;

  @Field(() => String)
  @Property({ type: 'string', length: 2 })
  placeOfService!: string;

  @Field(() => LocalDateScalar)
  @Property({ type: 'date' })
  serviceDateFrom!: string;

  @Field(() => LocalDateScalar)
  @Property({ type: 'date' })
  serviceDateTo!: string;

  @Field(() => Int, { description: 'Sum of line charges, integer cents (CLM02).' })
  @Property({ type: 'integer' })
  totalChargeCents!: number;

  @Field(() => ClaimStatus)
  @Enum({ items: () => ClaimStatus })
  status: ClaimStatus = ClaimStatus.DRAFT;

  @Field(() => Date, { nullable: true })
  @Property({ type: DateTimeType, nullable: true })
  submittedAt?: Date | null;

  @OneToMany(() => ClaimDiagnosis, (d) => d.claim, { orphanRemoval: true })
  diagnoses = new Collection<ClaimDiagnosis>(this);

  @OneToMany(() => ClaimLine, (l) => l.claim, { orphanRemoval: true })
  lines = new Collection<ClaimLine>(this);
}

@ObjectType({ description: "A diagnosis on the claim (HI segment); position 1 is the principal diagnosis." })
@Entity({ tableName: 'claim_diagnosis' })
@Index({ properties: ['claim'] })
export class ClaimDiagnosis {
  @PrimaryKey({ type: 'uuid' })
  id: string = uuidv7();

  @ManyToOne(() => Claim, { ref: true, deleteRule: 'cascade' })
  claim!: Ref<Claim>;

  @Field(() => Int)
  @Property({ type: 'smallint' })
  position!: number;

  @Field(() => String, { description: 'ICD-10-CM code without the dot.' })
  @Property({ type: 'string', length: 8 })
  code!: string;
}

@ObjectType({ description: 'A service line of a claim (loop 2400).' })
@Entity({ tableName: 'claim_line' })
@Index({ properties: ['claim'] })
export class ClaimLine {
  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string = uuidv7();

  @ManyToOne(() => Claim, { ref: true, deleteRule: 'cascade' })
  claim!: Ref<Claim>;

  @Field(() => Int, { description: 'LX01, 1-based.' })
  @Property({ type: 'smallint' })
  lineNumber!: number;

  @Field(() => String)
  @Property({ type: 'string', length: 5 })
  procedureCode!: string;

  @Field(() => [String])
  @Property({ type: 'json' })
  modifiers: string[] = [];

  @Field(() => Int)
  @Property({ type: 'integer' })
  units!: number;

  @Field(() => Int, { description: 'Line charge in integer cents (SV102).' })
  @Property({ type: 'integer' })
  chargeCents!: number;

  @Field(() => [Int])
  @Property({ type: 'json' })
  diagnosisPointers: number[] = [];

  @Field(() => LocalDateScalar, { description: 'DTP*472 date of service.' })
  @Property({ type: 'date' })
  serviceDate!: string;

  @Field(() => String, { description: 'Line item control number (REF*6R), echoed in the 835.' })
  @Property({ type: 'string', length: 50 })
  lineControlNumber!: string;
}

export enum ClaimHistoryAction {
  CREATED = 'CREATED',
  UPDATED = 'UPDATED',
  STATUS_CHANGED = 'STATUS_CHANGED',
}
registerEnumType(ClaimHistoryAction, { name: 'ClaimHistoryAction' });

/**
 * Append-only record of every change to a claim: who, when, which fields, which status move.
 * Field names only, never values: diagnoses and demographics are PHI.
 */
@ObjectType({ description: 'One change to a claim. Lists field names, never values (they may be PHI).' })
@Entity({ tableName: 'claim_history' })
@Index({ properties: ['claim', 'at'] })
export class ClaimHistory {
  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string = uuidv7();

  @ManyToOne(() => Claim, { ref: true })
  claim!: Ref<Claim>;

  @Field(() => Date)
  @Property({ type: DateTimeType })
  at: Date & Opt = new Date();

  @Field(() => String, { description: 'The token subject (user id) that made the change.' })
  @Property({ type: 'string', length: 100 })
  actor!: string;

  @Field(() => String)
  @Property({ type: 'string', length: 20 })
  actorRole!: string;

  @Field(() => ClaimHistoryAction)
  @Enum({ items: () => ClaimHistoryAction })
  action!: ClaimHistoryAction;

  @Field(() => ClaimStatus, { nullable: true })
  @Enum({ items: () => ClaimStatus, nullable: true })
  fromStatus?: ClaimStatus | null;

  @Field(() => ClaimStatus, { nullable: true })
  @Enum({ items: () => ClaimStatus, nullable: true })
  toStatus?: ClaimStatus | null;

  @Field(() => [String])
  @Property({ type: 'json' })
  changedFields: string[] = [];

  /** The claim's version after this change. */
  @Field(() => Int)
  @Property({ type: 'integer' })
  claimVersion!: number;

  @Field(() => String, { nullable: true })
  @Property({ type: 'string', length: 64, nullable: true })
  requestId?: string | null;
}
