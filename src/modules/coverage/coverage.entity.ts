import { Entity, Enum, Index, ManyToOne, Property, type Ref } from '@mikro-orm/core';
import { Field, ObjectType, registerEnumType } from 'type-graphql';
import { BaseEntity } from '../../common/base.entity';
import { Sex } from '../../common/enums';
import { LocalDateScalar } from '../../common/scalars';
import { Patient } from '../patient/patient.entity';
import { Payer } from '../payer/payer.entity';

export enum CoverageOrder {
  PRIMARY = 'PRIMARY',
  SECONDARY = 'SECONDARY',
  TERTIARY = 'TERTIARY',
}
registerEnumType(CoverageOrder, { name: 'CoverageOrder', description: 'Payer responsibility sequence (X12 SBR01 P/S/T).' });

/**
 * The patient's relationship to the subscriber. X12 005010X222A1: SBR02 = 18 when the patient is
 * the subscriber; otherwise loop 2000C PAT01 carries 01 spouse, 19 child, 20 employee, 21 unknown,
 * 39 organ donor, 40 cadaver donor, 53 life partner, G8 other relationship.
 */
export enum SubscriberRelationship {
  SELF = 'SELF',
  SPOUSE = 'SPOUSE',
  CHILD = 'CHILD',
  EMPLOYEE = 'EMPLOYEE',
  UNKNOWN = 'UNKNOWN',
  ORGAN_DONOR = 'ORGAN_DONOR',
  CADAVER_DONOR = 'CADAVER_DONOR',
  LIFE_PARTNER = 'LIFE_PARTNER',
  OTHER = 'OTHER',
}
registerEnumType(SubscriberRelationship, {
  name: 'SubscriberRelationship',
  description: "The patient's relationship to the insurance subscriber.",
});

export const X12_RELATIONSHIP_CODE: Record<SubscriberRelationship, string> = {
  SELF: '18',
  SPOUSE: '01',
  CHILD: '19',
  EMPLOYEE: '20',
  UNKNOWN: '21',
  ORGAN_DONOR: '39',
  CADAVER_DONOR: '40',
  LIFE_PARTNER: '53',
  OTHER: 'G8',
};

@ObjectType({ description: "A patient's insurance with one payer. Member id and subscriber details are PHI." })
@Entity({ tableName: 'coverage' })
@Index({ properties: ['patient', 'payer'] })
export class Coverage extends BaseEntity {
  @ManyToOne(() => Patient, { ref: true })
  patient!: Ref<Patient>;

  @ManyToOne(() => Payer, { ref: true })
  payer!: Ref<Payer>;

  @Field(() => String, { nullable: true, description: 'Member / subscriber id on the insurance card (PHI: CODER, BILLER, ADMIN).' })
  @Property({ type: 'string', length: 80 })
  memberId!: string;

  @Field(() => String, { nullable: true })
  @Property({ type: 'string', length: 50, nullable: true })
  groupNumber?: string | null;

  @Field(() => SubscriberRelationship)
  @Enum({ items: () => SubscriberRelationship })
  relationship!: SubscriberRelationship;

  @Field(() => String, { nullable: true, description: 'Subscriber name when the patient is not the subscriber (PHI).' })
  @Property({ type: 'string', length: 60, nullable: true })
  subscriberFirstName?: string | null;

  @Field(() => String, { nullable: true })
  @Property({ type: 'string', length: 60, nullable: true })
  subscriberLastName?: string | null;

  @Field(() => LocalDateScalar, { nullable: true })
  @Property({ type: 'date', nullable: true })
  subscriberBirthDate?: string | null;

  @Field(() => Sex, { nullable: true })
  @Enum({ items: () => Sex, nullable: true })
  subscriberSex?: Sex | null;

  @Field(() => LocalDateScalar)
  @Property({ type: 'date' })
  effectiveFrom!: string;

  @Field(() => LocalDateScalar, { nullable: true, description: 'Last day covered; null when open-ended.' })
  @Property({ type: 'date', nullable: true })
  effectiveTo?: string | null;

  @Field(() => CoverageOrder)
  @Enum({ items: () => CoverageOrder })
  order!: CoverageOrder;

  /** True when the coverage is in force on the given date of service. */
  isActiveOn(date: string): boolean {
    return this.effectiveFrom <= date && (this.effectiveTo == null || date <= this.effectiveTo);
  }
}
