import { ArgsType, Field, ID, InputType, Int } from 'type-graphql';
import { Sex } from '../../common/enums';
import { PageArgs } from '../../common/pagination';
import { LocalDateScalar } from '../../common/scalars';

@InputType({ description: 'A new patient. All fields are PHI.' })
export class CreatePatientInput {
  @Field(() => String) firstName!: string;
  @Field(() => String, { nullable: true }) middleName?: string | null;
  @Field(() => String) lastName!: string;
  @Field(() => LocalDateScalar) birthDate!: string;
  @Field(() => Sex) sex!: Sex;
  @Field(() => String) addressLine1!: string;
  @Field(() => String, { nullable: true }) addressLine2?: string | null;
  @Field(() => String) city!: string;
  @Field(() => String) state!: string;
  @Field(() => String) postalCode!: string;
}

@InputType({ description: 'Changes to a patient; omitted fields stay as they are.' })
export class UpdatePatientInput {
  @Field(() => ID) id!: string;
  @Field(() => Int, { description: 'The version you read; a stale one fails with CONFLICT.' }) version!: number;
  @Field(() => String, { nullable: true }) firstName?: string | null;
  @Field(() => String, { nullable: true }) middleName?: string | null;
  @Field(() => String, { nullable: true }) lastName?: string | null;
  @Field(() => LocalDateScalar, { nullable: true }) birthDate?: string | null;
  @Field(() => Sex, { nullable: true }) sex?: Sex | null;
  @Field(() => String, { nullable: true }) addressLine1?: string | null;
  @Field(() => String, { nullable: true }) addressLine2?: string | null;
  @Field(() => String, { nullable: true }) city?: string | null;
  @Field(() => String, { nullable: true }) state?: string | null;
  @Field(() => String, { nullable: true }) postalCode?: string | null;
}

@InputType()
export class PatientFilter {
  @Field(() => String, { nullable: true, description: 'Last name starts with (case-insensitive).' })
  lastNamePrefix?: string | null;

  @Field(() => LocalDateScalar, { nullable: true })
  birthDate?: string | null;
}

@ArgsType()
export class PatientsArgs extends PageArgs {
  @Field(() => PatientFilter, { nullable: true })
  filter?: PatientFilter | null;
}
