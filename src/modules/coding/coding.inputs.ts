import { Field, InputType, Int } from 'type-graphql';
import { LocalDateScalar } from '../../common/scalars';

@InputType({ description: 'A coded service line (encounter or claim).' })
export class ServiceLineInput {
  @Field(() => String, { description: 'CPT (5 characters) or HCPCS Level II (letter + 4 digits).' })
  procedureCode!: string;

  @Field(() => [String], { nullable: true, description: '0–4 two-character modifiers, in billing order.' })
  modifiers?: string[] | null;

  @Field(() => Int, { description: 'Service units, 1–9999.' })
  units!: number;

  @Field(() => Int, { description: 'Line charge in integer cents.' })
  chargeCents!: number;

  @Field(() => [Int], { description: '1–4 one-based positions in the diagnosis list; first is primary.' })
  diagnosisPointers!: number[];

  @Field(() => LocalDateScalar, { nullable: true, description: 'Defaults to the first date of service.' })
  serviceDate?: string | null;
}
