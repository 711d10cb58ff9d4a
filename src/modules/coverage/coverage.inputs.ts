import { ArgsType, Field, ID, InputType, Int } from 'type-graphql';
import { Sex } from '../../common/enums';
import { PageArgs } from '../../common/pagination';
import { LocalDateScalar } from '../../common/scalars';
import { CoverageOrder, SubscriberRelationship } from './coverage.entity';

@InputType()
export class CreateCoverageInput {
  @Field(() => ID) patientId!: string;
  @Field(() => ID) payerId!: string;
  @Field(() => String) memberId!: string;
  @Field(() => String, { nullable: true }) groupNumber?: string | null;
  @Field(() => SubscriberRelationship) relationship!: SubscriberRelationship;
  @Field(() => String, { nullable: true, description: 'Required unless relationship is SELF.' }) subscriberFirstName?: string | null;
  @Field(() => String, { nullable: true, description: 'Required unless relationship is SELF.' }) subscriberLastName?: string | null;
  @Field(() => LocalDateScalar, { nullable: true }) subscriberBirthDate?: string | null;
  @Field(() => Sex, { nullable: true }) subscriberSex?: Sex | null;
  @Field(() => LocalDateScalar) effectiveFrom!: string;
  @Field(() => LocalDateScalar, { nullable: true }) effectiveTo?: string | null;
  @Field(() => CoverageOrder) order!: CoverageOrder;
}

@InputType()
export class UpdateCoverageInput {
  @Field(() => ID) id!: string;
  @Field(() => Int) version!: number;
  @Field(() => String, { nullable: true }) memberId?: string | null;
  @Field(() => String, { nullable: true }) groupNumber?: string | null;
  @Field(() => SubscriberRelationship, { nullable: true }) relationship?: SubscriberRelationship | null;
  @Field(() => String, { nullable: true }) subscriberFirstName?: string | null;
  @Field(() => String, { nullable: true }) subscriberLastName?: string | null;
  @Field(() => LocalDateScalar, { nullable: true }) subscriberBirthDate?: string | null;
  @Field(() => Sex, { nullable: true }) subscriberSex?: Sex | null;
  @Field(() => LocalDateScalar, { nullable: true }) effectiveFrom?: string | null;
  @Field(() => LocalDateScalar, { nullable: true }) effectiveTo?: string | null;
  @Field(() => CoverageOrder, { nullable: true }) order?: CoverageOrder | null;
}

@InputType()
export class CoverageFilter {
  @Field(() => ID, { nullable: true }) patientId?: string | null;
  @Field(() => ID, { nullable: true }) payerId?: string | null;
  @Field(() => LocalDateScalar, { nullable: true, description: 'Only coverages in force on this date.' }) activeOn?: string | null;
}

@ArgsType()
export class CoveragesArgs extends PageArgs {
  @Field(() => CoverageFilter, { nullable: true }) filter?: CoverageFilter | null;
}
