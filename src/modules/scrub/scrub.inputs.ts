import { Field, InputType, Int } from 'type-graphql';

/** The claim JSON of `claimflow scrub`, as GraphQL input. Checked by rules-engine parseScrubClaim. */
@InputType()
export class DryRunPatientInput {
  @Field(() => String, { nullable: true, description: 'F, M or U.' }) sex?: string | null;
  @Field(() => String, { nullable: true, description: 'YYYY-MM-DD.' }) birthDate?: string | null;
  @Field(() => String, { nullable: true, description: 'Only its presence is used.' }) memberId?: string | null;
}

@InputType()
export class DryRunCoverageInput {
  @Field(() => String, { nullable: true }) effectiveFrom?: string | null;
  @Field(() => String, { nullable: true }) effectiveTo?: string | null;
}

@InputType()
export class DryRunLineInput {
  @Field(() => String) code!: string;
  @Field(() => [String], { nullable: true }) modifiers?: string[] | null;
  @Field(() => Int, { nullable: true, description: 'Default 1.' }) units?: number | null;
  @Field(() => Int, { nullable: true, description: 'Integer cents.' }) chargeCents?: number | null;
  @Field(() => [Int]) diagnosisPointers!: number[];
  @Field(() => String, { nullable: true, description: 'Default: serviceDateFrom.' }) serviceDate?: string | null;
}

@InputType({ description: 'A claim payload to scrub without storing it (same shape as `claimflow scrub` input; codes without dots).' })
export class DryRunClaimInput {
  @Field(() => String, { nullable: true, description: 'Your id for the claim; echoed nowhere but useful in logs.' }) id?: string | null;
  @Field(() => String, { description: 'Rule-set key, e.g. medicare.' }) payer!: string;
  @Field(() => String, { nullable: true, description: '"1", "7" or "8" (default "1").' }) frequency?: string | null;
  @Field(() => String, { nullable: true }) payerClaimNumber?: string | null;
  @Field(() => DryRunPatientInput) patient!: DryRunPatientInput;
  @Field(() => DryRunCoverageInput, { nullable: true }) coverage?: DryRunCoverageInput | null;
  @Field(() => String, { nullable: true }) billingNpi?: string | null;
  @Field(() => String, { nullable: true }) renderingNpi?: string | null;
  @Field(() => String) placeOfService!: string;
  @Field(() => String) serviceDateFrom!: string;
  @Field(() => String, { nullable: true }) serviceDateTo?: string | null;
  @Field(() => String, { nullable: true, description: 'Default: today.' }) submittedDate?: string | null;
  @Field(() => String, { nullable: true }) priorAuthNumber?: string | null;
  @Field(() => [String]) diagnoses!: string[];
  @Field(() => [DryRunLineInput]) lines!: DryRunLineInput[];
}
