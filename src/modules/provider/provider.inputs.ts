import { ArgsType, Field, ID, InputType, Int } from 'type-graphql';
import { PageArgs } from '../../common/pagination';
import { ProviderEntityType } from './provider.entity';

@InputType()
export class CreateProviderInput {
  @Field(() => String) npi!: string;
  @Field(() => ProviderEntityType) entityType!: ProviderEntityType;
  @Field(() => String) lastNameOrOrganization!: string;
  @Field(() => String, { nullable: true }) firstName?: string | null;
  @Field(() => String, { nullable: true }) taxonomyCode?: string | null;
  @Field(() => String, { nullable: true, description: 'Required for billing providers.' }) taxId?: string | null;
  @Field(() => Boolean) isBilling!: boolean;
  @Field(() => Boolean) isRendering!: boolean;
  @Field(() => String, { nullable: true, description: 'Billing providers need a street address (2010AA N3).' }) addressLine1?: string | null;
  @Field(() => String, { nullable: true }) city?: string | null;
  @Field(() => String, { nullable: true }) state?: string | null;
  @Field(() => String, { nullable: true, description: 'Billing providers: 9-digit ZIP (2010AA N403).' }) postalCode?: string | null;
}

@InputType()
export class UpdateProviderInput {
  @Field(() => ID) id!: string;
  @Field(() => Int) version!: number;
  @Field(() => String, { nullable: true }) lastNameOrOrganization?: string | null;
  @Field(() => String, { nullable: true }) firstName?: string | null;
  @Field(() => String, { nullable: true }) taxonomyCode?: string | null;
  @Field(() => String, { nullable: true }) taxId?: string | null;
  @Field(() => Boolean, { nullable: true }) isBilling?: boolean | null;
  @Field(() => Boolean, { nullable: true }) isRendering?: boolean | null;
  @Field(() => String, { nullable: true }) addressLine1?: string | null;
  @Field(() => String, { nullable: true }) city?: string | null;
  @Field(() => String, { nullable: true }) state?: string | null;
  @Field(() => String, { nullable: true }) postalCode?: string | null;
}

@InputType()
export class ProviderFilter {
  @Field(() => String, { nullable: true }) npi?: string | null;
  @Field(() => Boolean, { nullable: true }) isBilling?: boolean | null;
  @Field(() => Boolean, { nullable: true }) isRendering?: boolean | null;
}

@ArgsType()
export class ProvidersArgs extends PageArgs {
  @Field(() => ProviderFilter, { nullable: true }) filter?: ProviderFilter | null;
}
