import { Field, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Claim } from '../claim/claim.entity';
import { ClaimScrub } from '../scrub/scrub.entity';
import { ImportedClaimStatus } from './import.service';

registerEnumType(ImportedClaimStatus, {
  name: 'ImportedClaimStatus',
  description: 'IMPORTED (stored, then moved to READY when it scrubs clean), ALREADY_IMPORTED (same CLM01 and billing NPI already here: nothing added), NOT_IMPORTED (see problems; nothing kept).',
});

export enum ImportClaimsStatus {
  IMPORTED = 'IMPORTED',
  REFUSED = 'REFUSED',
}
registerEnumType(ImportClaimsStatus, {
  name: 'ImportClaimsStatus',
  description: 'IMPORTED: the file was read and each claim has an outcome. REFUSED: the file is not a well-formed 5010 837P (see problem); nothing was written.',
});

@ObjectType({ description: 'Where in an X12 file, and why. Never repeats data from the file.' })
export class X12Problem {
  @Field(() => Int, { nullable: true, description: '1-based position of the segment in the file.' }) position!: number | null;
  @Field(() => String, { nullable: true }) segmentId!: string | null;
  @Field(() => String) reason!: string;
}

@ObjectType()
export class ImportedClaim {
  @Field(() => Int, { description: 'Position of the CLM segment in the file.' }) position!: number;
  @Field(() => String, { description: 'CLM01.' }) patientControlNumber!: string;
  @Field(() => ImportedClaimStatus) status!: ImportedClaimStatus;
  @Field(() => Claim, { nullable: true, description: 'The stored claim (IMPORTED or ALREADY_IMPORTED).' }) claim!: Claim | null;
  @Field(() => ClaimScrub, { nullable: true, description: 'The scrub run by the move to READY.' }) scrub!: ClaimScrub | null;
  @Field(() => [String], { description: 'What was read differently from the file or left out, and why a claim stayed DRAFT.' }) notes!: string[];
  @Field(() => [X12Problem], { description: 'NOT_IMPORTED: why.' }) problems!: X12Problem[];
}

@ObjectType()
export class ImportCreatedCounts {
  @Field(() => Int) patients!: number;
  @Field(() => Int) providers!: number;
  @Field(() => Int) payers!: number;
  @Field(() => Int) coverages!: number;
}

@ObjectType()
export class ImportClaimsPayload {
  @Field(() => ImportClaimsStatus) status!: ImportClaimsStatus;
  @Field(() => X12Problem, { nullable: true, description: 'REFUSED: the segment position and the reason.' }) problem!: X12Problem | null;
  @Field(() => Int) interchanges!: number;
  @Field(() => Int) transactions!: number;
  @Field(() => Int) claimsRead!: number;
  @Field(() => Int) imported!: number;
  @Field(() => Int) alreadyImported!: number;
  @Field(() => Int) notImported!: number;
  @Field(() => Int, { description: 'Imported claims now READY (scrubbed clean).' }) ready!: number;
  @Field(() => ImportCreatedCounts) created!: ImportCreatedCounts;
  @Field(() => [ImportedClaim]) claims!: ImportedClaim[];
  @Field(() => [X12Problem], { description: 'Envelope counts that disagree and other readable oddities.' }) warnings!: X12Problem[];
}
