import { Field, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { GraphQLUpload, type FileUpload } from 'graphql-upload-minimal';
import { LocalDateScalar } from '../../common/scalars';
import { EditSetting, ReferenceKind, ReferenceRelease } from './reference.entities';

@InputType({ description: 'A published reference file to load (GraphQL multipart request; send `apollo-require-preflight: true`).' })
export class ImportReferenceFileInput {
  @Field(() => ReferenceKind) kind!: ReferenceKind;
  @Field(() => GraphQLUpload, { description: 'The file, in its published layout. Its name is kept on the release.' }) file!: Promise<FileUpload>;
  @Field(() => Int, { nullable: true, description: 'ICD-10-CM and MCE: fiscal year, when the file name does not say.' }) fiscalYear?: number | null;
  @Field(() => LocalDateScalar, { nullable: true, description: 'First date of service the file applies to, when the file does not say.' }) effectiveFrom?: string | null;
  @Field(() => EditSetting, { nullable: true, description: 'NCCI and MUE: which table.' }) setting?: EditSetting | null;
  @Field(() => Boolean, { nullable: true, description: 'Skip and report bad lines instead of refusing the file.' }) skipBad?: boolean | null;
}

export enum ImportStatus {
  IMPORTED = 'IMPORTED',
  ALREADY_IMPORTED = 'ALREADY_IMPORTED',
  REFUSED = 'REFUSED',
}
registerEnumType(ImportStatus, {
  name: 'ImportStatus',
  description: 'IMPORTED (a new release), ALREADY_IMPORTED (same file before: nothing changed), REFUSED (nothing changed; see problems).',
});

@ObjectType({ description: 'A bad line of an imported file: where and why, never its content.' })
export class ImportProblem {
  @Field(() => Int, { nullable: true }) line!: number | null;
  @Field(() => String, { nullable: true }) field!: string | null;
  @Field(() => String) message!: string;
}

@ObjectType()
export class ImportReferenceFilePayload {
  @Field(() => ImportStatus) status!: ImportStatus;
  @Field(() => ReferenceRelease, { nullable: true }) release!: ReferenceRelease | null;
  @Field(() => Int) rowsRead!: number;
  @Field(() => Int) added!: number;
  @Field(() => Int) changed!: number;
  @Field(() => Int) retired!: number;
  @Field(() => [ImportProblem], { description: 'Refused: why. Imported with skipBad: the lines skipped.' }) problems!: ImportProblem[];
  @Field(() => String, { nullable: true }) message!: string | null;
}
