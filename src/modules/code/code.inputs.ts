import { ArgsType, Field, InputType } from 'type-graphql';
import { PageArgs } from '../../common/pagination';
import { LocalDateScalar } from '../../common/scalars';
import { CodeSystem } from './code.entity';

@ArgsType()
export class CodesArgs extends PageArgs {
  @Field(() => CodeSystem, { nullable: true }) system?: CodeSystem | null;
  @Field(() => String, { nullable: true, description: 'Code prefix, or words in the description.' }) search?: string | null;
  @Field(() => LocalDateScalar, { nullable: true, description: 'Only codes effective on this date.' }) effectiveOn?: string | null;
}

@InputType({ description: 'Add one code row (reference-data imports load whole code sets).' })
export class CreateCodeInput {
  @Field(() => CodeSystem) system!: CodeSystem;
  @Field(() => String) code!: string;
  @Field(() => String, { nullable: true }) shortDescription?: string | null;
  @Field(() => String, { nullable: true }) longDescription?: string | null;
  @Field(() => Boolean, { nullable: true, description: 'Defaults to true.' }) billable?: boolean | null;
  @Field(() => LocalDateScalar) effectiveFrom!: string;
  @Field(() => LocalDateScalar, { nullable: true }) effectiveTo?: string | null;
}
