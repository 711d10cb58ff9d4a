import { Entity, Enum, Property, Unique } from '@mikro-orm/core';
import { Field, Int, ObjectType, registerEnumType } from 'type-graphql';
import { BaseEntity } from '../../common/base.entity';

/**
 * Claim filing indicator, X12 005010X222A1 loop 2000B SBR09 (code list from the X12 TR3):
 * tells the payer which line of business the claim belongs to.
 */
export enum ClaimFilingIndicator {
  /** Other non-federal programs */
  OTHER_NON_FEDERAL = '11',
  PPO = '12',
  POS = '13',
  EPO = '14',
  INDEMNITY = '15',
  HMO_MEDICARE_RISK = '16',
  DENTAL_MAINTENANCE = '17',
  AUTOMOBILE_MEDICAL = 'AM',
  BLUE_CROSS_BLUE_SHIELD = 'BL',
  CHAMPUS = 'CH',
  COMMERCIAL = 'CI',
  DISABILITY = 'DS',
  FEDERAL_EMPLOYEES = 'FI',
  HMO = 'HM',
  LIABILITY_MEDICAL = 'LM',
  MEDICARE_PART_A = 'MA',
  MEDICARE_PART_B = 'MB',
  MEDICAID = 'MC',
  OTHER_FEDERAL = 'OF',
  TITLE_V = 'TV',
  VETERANS_AFFAIRS = 'VA',
  WORKERS_COMPENSATION = 'WC',
  MUTUALLY_DEFINED = 'ZZ',
}
registerEnumType(ClaimFilingIndicator, {
  name: 'ClaimFilingIndicator',
  description: 'X12 SBR09 claim filing indicator (e.g. MEDICARE_PART_B = MB, COMMERCIAL = CI). `x12Code` on Payer gives the raw code.',
});

@ObjectType({ description: 'An insurer or plan that claims are sent to.' })
@Entity({ tableName: 'payer' })
@Unique({ properties: ['payerId'] })
export class Payer extends BaseEntity {
  @Field(() => String)
  @Property({ type: 'string', length: 60 })
  name!: string;

  @Field(() => String, { description: 'The payer id used in X12 (2010BB NM109), as the clearinghouse assigns it.' })
  @Property({ type: 'string', length: 80 })
  payerId!: string;

  @Field(() => ClaimFilingIndicator)
  @Enum({ items: () => ClaimFilingIndicator })
  claimFilingIndicator!: ClaimFilingIndicator;

  @Field(() => Int, { description: 'Days after the date of service within which a claim must be filed.' })
  @Property({ type: 'integer' })
  timelyFilingDays!: number;

  @Field(() => Int, { description: 'Days after a denial within which an appeal must be filed.' })
  @Property({ type: 'integer' })
  appealDays!: number;

  @Field(() => String, {
    nullable: true,
    description: 'Folder under rules/ holding this payer\'s rule sets (e.g. "medicare"); null when none is assigned.',
  })
  @Property({ type: 'string', length: 60, nullable: true })
  ruleSetKey?: string | null;
}
