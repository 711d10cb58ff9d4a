import { GraphQLUpload, type FileUpload } from 'graphql-upload-minimal';
import { Field, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Denial } from '../denial/denial.entity';
import { Remittance, RemittanceWarning } from './remittance.entity';
import { RemittanceImportStatus } from './remittance.service';

registerEnumType(RemittanceImportStatus, {
  name: 'RemittanceImportStatus',
  description: 'POSTED; ALREADY_POSTED (the same file, or the same TRN trace number from the same payer, was posted before: nothing changed); REFUSED (nothing changed; see problems).',
});

@InputType({ description: 'An 835 file as a GraphQL multipart upload (send `apollo-require-preflight: true`): for files over the JSON body limit.' })
export class ImportRemittanceFileInput {
  @Field(() => GraphQLUpload, { description: 'The X12 835 file (005010X221A1).' }) file!: Promise<FileUpload>;
  @Field(() => Boolean, { nullable: true, description: 'Post even when BPR02 ≠ Σ CLP04 − Σ PLB (recorded as balanced: false). Default false: such a file is refused.' })
  acceptUnbalanced?: boolean | null;
}

@ObjectType({ description: 'Why an 835 was refused: the segment position and the reason (never element values).' })
export class RemittanceProblem {
  @Field(() => Int, { nullable: true, description: '1-based segment position in the file.' }) position!: number | null;
  @Field(() => String, { nullable: true }) segmentId!: string | null;
  @Field(() => String) message!: string;
}

@ObjectType()
export class ImportRemittancePayload {
  @Field(() => RemittanceImportStatus) status!: RemittanceImportStatus;
  @Field(() => [Remittance], { description: 'POSTED: the remittances posted now (one per ST…SE); ALREADY_POSTED: the earlier ones.' }) remittances!: Remittance[];
  /** Resolved on demand (claimPayments, unmatchedClaimPayments): a large file posts thousands. */
  claimPaymentIds!: string[];
  unmatchedClaimPaymentIds!: string[];
  @Field(() => Int, { description: 'Claim payments (CLP) posted now.' }) claimPaymentCount!: number;
  @Field(() => Int, { description: 'Of those, the ones whose CLP01 matched no claim here.' }) unmatchedCount!: number;
  @Field(() => [Denial], { description: 'Denials created now.' }) denials!: Denial[];
  @Field(() => [RemittanceWarning], { description: 'Accepted deviations, unbalanced claims, unmatched claims and lines, status moves the lifecycle did not allow.' }) warnings!: RemittanceWarning[];
  @Field(() => [RemittanceProblem], { description: 'REFUSED: why.' }) problems!: RemittanceProblem[];
  @Field(() => String, { nullable: true }) message!: string | null;
}
