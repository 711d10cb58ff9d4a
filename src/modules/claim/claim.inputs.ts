import { ArgsType, Field, ID, InputType, Int } from 'type-graphql';
import { PageArgs } from '../../common/pagination';
import { LocalDateScalar } from '../../common/scalars';
import { ServiceLineInput } from '../coding/coding.inputs';
import { ClaimFrequency, ClaimStatus } from './claim-status';

@InputType({ description: 'Bill a CODED encounter to one of the patient\'s coverages.' })
export class CreateClaimInput {
  @Field(() => ID) encounterId!: string;
  @Field(() => ID) coverageId!: string;
  @Field(() => String, { nullable: true, description: 'CLM01; generated when omitted. Letters, digits and -, at most 20 characters.' })
  patientControlNumber?: string | null;
  @Field(() => String, { nullable: true }) priorAuthNumber?: string | null;
}

@InputType({ description: 'Edits to a DRAFT claim. Diagnoses and lines, when given, replace the claim\'s own copy.' })
export class UpdateClaimInput {
  @Field(() => ID) id!: string;
  @Field(() => Int) version!: number;
  @Field(() => ClaimFrequency, { nullable: true }) frequency?: ClaimFrequency | null;
  @Field(() => String, { nullable: true }) payerClaimNumber?: string | null;
  @Field(() => String, { nullable: true }) priorAuthNumber?: string | null;
  @Field(() => String, { nullable: true }) placeOfService?: string | null;
  @Field(() => [String], { nullable: true }) diagnoses?: string[] | null;
  @Field(() => [ServiceLineInput], { nullable: true }) lines?: ServiceLineInput[] | null;
}

@InputType()
export class ChangeClaimStatusInput {
  @Field(() => ID) id!: string;
  @Field(() => Int) version!: number;
  @Field(() => ClaimStatus) status!: ClaimStatus;
}

@InputType()
export class ClaimFilter {
  @Field(() => [ClaimStatus], { nullable: true }) status?: ClaimStatus[] | null;
  @Field(() => ID, { nullable: true }) payerId?: string | null;
  @Field(() => ID, { nullable: true }) patientId?: string | null;
  @Field(() => LocalDateScalar, { nullable: true, description: 'Service from-date on or after.' }) serviceDateFrom?: string | null;
  @Field(() => LocalDateScalar, { nullable: true, description: 'Service from-date on or before.' }) serviceDateTo?: string | null;
  @Field(() => String, { nullable: true, description: 'Exact patient control number (CLM01).' }) patientControlNumber?: string | null;
}

@ArgsType()
export class ClaimsArgs extends PageArgs {
  @Field(() => ClaimFilter, { nullable: true }) filter?: ClaimFilter | null;
}
