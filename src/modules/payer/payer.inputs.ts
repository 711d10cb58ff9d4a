import { ArgsType, Field, ID, InputType, Int } from 'type-graphql';
import { PageArgs } from '../../common/pagination';
import { ClaimFilingIndicator } from './payer.entity';

@InputType()
export class CreatePayerInput {
  @Field(() => String) name!: string;
  @Field(() => String, { description: 'X12 payer id (2010BB NM109).' }) payerId!: string;
  @Field(() => ClaimFilingIndicator) claimFilingIndicator!: ClaimFilingIndicator;
  @Field(() => Int) timelyFilingDays!: number;
  @Field(() => Int) appealDays!: number;
  @Field(() => String, { nullable: true }) ruleSetKey?: string | null;
}

@InputType()
export class UpdatePayerInput {
  @Field(() => ID) id!: string;
  @Field(() => Int) version!: number;
  @Field(() => String, { nullable: true }) name?: string | null;
  @Field(() => String, { nullable: true }) payerId?: string | null;
  @Field(() => ClaimFilingIndicator, { nullable: true }) claimFilingIndicator?: ClaimFilingIndicator | null;
  @Field(() => Int, { nullable: true }) timelyFilingDays?: number | null;
  @Field(() => Int, { nullable: true }) appealDays?: number | null;
  @Field(() => String, { nullable: true }) ruleSetKey?: string | null;
}

@ArgsType()
export class PayersArgs extends PageArgs {
  @Field(() => String, { nullable: true, description: 'Name contains (case-insensitive).' })
  search?: string | null;
}
