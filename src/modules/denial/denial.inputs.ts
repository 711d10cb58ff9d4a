import { ArgsType, Field, ID, InputType, Int, registerEnumType } from 'type-graphql';
import { PageArgs } from '../../common/pagination';
import { ServiceLineInput } from '../coding/coding.inputs';
import { DenialReasonClass, DenialScenario } from './classify';
import { DenialStatus, WriteOffReason } from './denial.entity';

export enum DenialOrder {
  /** Largest unpaid amount first. */
  AMOUNT = 'AMOUNT',
  /** Oldest denial (remittance date) first. */
  AGE = 'AGE',
  /** Nearest appeal deadline first; denials without a deadline last. */
  DEADLINE = 'DEADLINE',
}
registerEnumType(DenialOrder, {
  name: 'DenialOrder',
  description: 'Work-queue order: AMOUNT (largest first), AGE (oldest first, the default), DEADLINE (nearest appeal deadline first, unknown deadlines last). Ties go by id.',
});

@InputType({ description: 'Work-queue filters; all given filters must hold.' })
export class DenialFilter {
  @Field(() => [DenialStatus], { nullable: true }) status?: DenialStatus[] | null;
  @Field(() => [DenialScenario], { nullable: true }) scenario?: DenialScenario[] | null;
  @Field(() => [DenialReasonClass], { nullable: true }) reasonClass?: DenialReasonClass[] | null;
  @Field(() => ID, { nullable: true }) payerId?: string | null;
  @Field(() => ID, { nullable: true, description: 'The denials of one claim.' }) claimId?: string | null;
  @Field(() => Int, { nullable: true, description: 'Denied more than this many days ago (remittance date before today minus N days).' }) olderThanDays?: number | null;
  @Field(() => Int, { nullable: true, description: 'Unpaid amount of at least this many cents.' }) minAmountCents?: number | null;
}

@ArgsType()
export class DenialsArgs extends PageArgs {
  @Field(() => DenialFilter, { nullable: true }) filter?: DenialFilter | null;
  @Field(() => DenialOrder, { nullable: true, description: 'Default AGE.' }) orderBy?: DenialOrder | null;
}

@InputType({
  description:
    "Corrections for the replacement claim. Omitted fields stay as on the denied claim; diagnoses and lines, when given, replace the claim's whole list (send the lines to keep as they are).",
})
export class DenialCorrectionsInput {
  @Field(() => [String], { nullable: true, description: 'ICD-10-CM codes in HI order.' }) diagnoses?: string[] | null;
  @Field(() => [ServiceLineInput], { nullable: true, description: 'Every service line of the replacement: codes, modifiers, units, charges, pointers.' }) lines?: ServiceLineInput[] | null;
  @Field(() => String, { nullable: true, description: 'Prior authorization number (REF*G1), e.g. a retroactive authorization.' }) priorAuthNumber?: string | null;
  @Field(() => String, { nullable: true, description: 'CMS place-of-service code.' }) placeOfService?: string | null;
}

@InputType()
export class ReworkDenialInput {
  @Field(() => ID) id!: string;
  @Field(() => Int, { description: "The denial's version you read." }) version!: number;
  @Field(() => DenialCorrectionsInput, { nullable: true, description: 'Required the first time (a replacement must change something); optional when correcting a replacement that stayed DRAFT.' })
  corrections?: DenialCorrectionsInput | null;
}

@InputType()
export class AppealDenialInput {
  @Field(() => ID) id!: string;
  @Field(() => Int) version!: number;
  @Field(() => String, { description: 'What the appeal argues and which documents were sent (1–2000 characters, no patient identifiers).' }) note!: string;
}

@InputType()
export class WriteOffDenialInput {
  @Field(() => ID) id!: string;
  @Field(() => Int) version!: number;
  @Field(() => WriteOffReason) reason!: WriteOffReason;
  @Field(() => String, { nullable: true, description: 'Up to 2000 characters, no patient identifiers.' }) note?: string | null;
}

@InputType({ description: 'Take a denial into rework (IN_REWORK), release it (OPEN), or close it (CLOSED). The other statuses have their own mutations.' })
export class ChangeDenialStatusInput {
  @Field(() => ID) id!: string;
  @Field(() => Int) version!: number;
  @Field(() => DenialStatus) status!: DenialStatus;
}

@InputType({ description: 'Void a remitted claim: a frequency-8 claim naming the payer claim number.' })
export class VoidClaimInput {
  @Field(() => ID, { description: 'The claim to void.' }) id!: string;
  @Field(() => Int, { description: "The claim's version you read." }) version!: number;
}
