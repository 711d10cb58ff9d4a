import { ArgsType, Field, ID, InputType, Int } from 'type-graphql';
import { PageArgs } from '../../common/pagination';
import { LocalDateScalar } from '../../common/scalars';
import { ServiceLineInput } from '../coding/coding.inputs';
import { EncounterStatus } from './encounter.entity';

@InputType()
export class CreateEncounterInput {
  @Field(() => ID) patientId!: string;
  @Field(() => ID) billingProviderId!: string;
  @Field(() => ID) renderingProviderId!: string;
  @Field(() => String) placeOfService!: string;
  @Field(() => LocalDateScalar) serviceDateFrom!: string;
  @Field(() => LocalDateScalar, { nullable: true, description: 'Defaults to serviceDateFrom.' }) serviceDateTo?: string | null;
  @Field(() => [String], { nullable: true, description: 'ICD-10-CM codes in order; the first is principal. Dots optional.' })
  diagnoses?: string[] | null;
  @Field(() => [ServiceLineInput], { nullable: true }) lines?: ServiceLineInput[] | null;
}

@InputType({ description: 'Changes to an OPEN encounter. Diagnoses and lines, when given, replace the existing ones.' })
export class UpdateEncounterInput {
  @Field(() => ID) id!: string;
  @Field(() => Int) version!: number;
  @Field(() => ID, { nullable: true }) billingProviderId?: string | null;
  @Field(() => ID, { nullable: true }) renderingProviderId?: string | null;
  @Field(() => String, { nullable: true }) placeOfService?: string | null;
  @Field(() => LocalDateScalar, { nullable: true }) serviceDateFrom?: string | null;
  @Field(() => LocalDateScalar, { nullable: true }) serviceDateTo?: string | null;
  @Field(() => [String], { nullable: true }) diagnoses?: string[] | null;
  @Field(() => [ServiceLineInput], { nullable: true }) lines?: ServiceLineInput[] | null;
}

@InputType()
export class ChangeEncounterStatusInput {
  @Field(() => ID) id!: string;
  @Field(() => Int) version!: number;
  @Field(() => EncounterStatus, { description: 'CODED to finish coding, OPEN to reopen it. BILLED is set by createClaim.' })
  status!: EncounterStatus;
}

@InputType()
export class EncounterFilter {
  @Field(() => [EncounterStatus], { nullable: true }) status?: EncounterStatus[] | null;
  @Field(() => ID, { nullable: true }) patientId?: string | null;
  @Field(() => LocalDateScalar, { nullable: true, description: 'Service from-date on or after.' }) serviceDateFrom?: string | null;
  @Field(() => LocalDateScalar, { nullable: true, description: 'Service from-date on or before.' }) serviceDateTo?: string | null;
}

@ArgsType()
export class EncountersArgs extends PageArgs {
  @Field(() => EncounterFilter, { nullable: true }) filter?: EncounterFilter | null;
}
