import { Entity, Enum, Index, Property } from '@mikro-orm/core';
import { Field, ObjectType } from 'type-graphql';
import { BaseEntity } from '../../common/base.entity';
import { Sex } from '../../common/enums';
import { LocalDateScalar } from '../../common/scalars';

/** A person receiving care. Every field but the id is PHI: never log or echo them. */
@ObjectType({
  description:
    'A patient. Name, birth date and address (street, city, ZIP) are PHI: readable by CODER, BILLER and ADMIN; other roles get null and a FORBIDDEN error with reason PHI (src/auth/phi.ts).',
})
@Entity({ tableName: 'patient' })
@Index({ properties: ['lastName', 'firstName'] })
export class Patient extends BaseEntity {
  @Field(() => String, { nullable: true })
  @Property({ type: 'string', length: 60 })
  firstName!: string;

  @Field(() => String, { nullable: true })
  @Property({ type: 'string', length: 25, nullable: true })
  middleName?: string | null;

  @Field(() => String, { nullable: true })
  @Property({ type: 'string', length: 60 })
  lastName!: string;

  @Field(() => LocalDateScalar, { nullable: true })
  @Property({ type: 'date' })
  birthDate!: string;

  @Field(() => Sex)
  @Enum({ items: () => Sex })
  sex!: Sex;

  @Field(() => String, { nullable: true })
  @Property({ type: 'string', length: 55 })
  addressLine1!: string;

  @Field(() => String, { nullable: true })
  @Property({ type: 'string', length: 55, nullable: true })
  addressLine2?: string | null;

  @Field(() => String, { nullable: true })
  @Property({ type: 'string', length: 30 })
  city!: string;

  @Field(() => String, { description: 'Two-letter state or territory code.' })
  @Property({ type: 'string', length: 2 })
  state!: string;

  @Field(() => String, { nullable: true, description: 'ZIP code, 5 or 9 digits.' })
  @Property({ type: 'string', length: 15 })
  postalCode!: string;
}
