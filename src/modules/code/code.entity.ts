import { Entity, Enum, Index, PrimaryKey, Property, Unique, type Opt } from '@mikro-orm/core';
import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { uuidv7 } from '../../common/ids';
import { LocalDateScalar } from '../../common/scalars';

export enum CodeSystem {
  ICD10CM = 'ICD10CM',
  CPT = 'CPT',
  HCPCS = 'HCPCS',
  MODIFIER = 'MODIFIER',
  POS = 'POS',
}
registerEnumType(CodeSystem, { name: 'CodeSystem', description: 'A code set: diagnoses, procedures, modifiers, places of service.' });

/**
 * One effective-dated row of a code set. A code may have several rows with disjoint
 * [effectiveFrom, effectiveTo] windows (e.g. an ICD-10-CM code retired and later re-added).
 * CPT rows carry no description unless the user imported licensed descriptions themselves.
 */
@ObjectType({ description: 'A code of a code set, effective over a date window.' })
@Entity({ tableName: 'code' })
@Unique({ properties: ['system', 'code', 'effectiveFrom'] })
@Index({ properties: ['system', 'code'] })
export class Code {
  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string = uuidv7();

  @Field(() => CodeSystem)
  @Enum({ items: () => CodeSystem })
  system!: CodeSystem;

  @Field(() => String, { description: 'The code as X12 carries it: ICD-10-CM without the dot.' })
  @Property({ type: 'string', length: 10 })
  code!: string;

  @Field(() => String, { nullable: true })
  @Property({ type: 'string', length: 100, nullable: true })
  shortDescription?: string | null;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  longDescription?: string | null;

  @Field(() => Boolean, { description: 'May appear on a claim (ICD-10-CM: a leaf code; headers are not billable).' })
  @Property({ type: 'boolean' })
  billable: boolean & Opt = true;

  @Field(() => LocalDateScalar)
  @Property({ type: 'date' })
  effectiveFrom!: string;

  @Field(() => LocalDateScalar, { nullable: true, description: 'Last day the code is valid; null when still in force.' })
  @Property({ type: 'date', nullable: true })
  effectiveTo?: string | null;

  isEffectiveOn(date: string): boolean {
    return this.effectiveFrom <= date && (this.effectiveTo == null || date <= this.effectiveTo);
  }
}
