import { Collection, Entity, Enum, Index, ManyToOne, OneToMany, OptionalProps, PrimaryKey, Property, type Ref } from '@mikro-orm/core';
import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { BaseEntity } from '../../common/base.entity';
import { uuidv7 } from '../../common/ids';
import { LocalDateScalar } from '../../common/scalars';
import { Patient } from '../patient/patient.entity';
import { Provider } from '../provider/provider.entity';

export enum EncounterStatus {
  OPEN = 'OPEN',
  CODED = 'CODED',
  BILLED = 'BILLED',
}
registerEnumType(EncounterStatus, {
  name: 'EncounterStatus',
  description: 'OPEN (being documented/coded) → CODED (coding complete) → BILLED (a claim was created).',
});

@ObjectType({ description: 'A visit: who was seen, by whom, where and when, and how it was coded.' })
@Entity({ tableName: 'encounter' })
@Index({ properties: ['status', 'serviceDateFrom'] })
@Index({ properties: ['patient'] })
export class Encounter extends BaseEntity {
  [OptionalProps]?: 'status' | 'createdAt' | 'updatedAt' | 'version';

  @ManyToOne(() => Patient, { ref: true })
  patient!: Ref<Patient>;

  @ManyToOne(() => Provider, { ref: true })
  billingProvider!: Ref<Provider>;

  @ManyToOne(() => Provider, { ref: true })
  renderingProvider!: Ref<Provider>;

  @Field(() => String, { description: 'CMS place-of-service code (2 digits).' })
  @Property({ type: 'string', length: 2 })
  placeOfService!: string;

  @Field(() => LocalDateScalar)
  @Property({ type: 'date' })
  serviceDateFrom!: string;

  @Field(() => LocalDateScalar)
  @Property({ type: 'date' })
  serviceDateTo!: string;

  @Field(() => EncounterStatus)
  @Enum({ items: () => EncounterStatus })
  status: EncounterStatus = EncounterStatus.OPEN;

  @OneToMany(() => EncounterDiagnosis, (d) => d.encounter, { orphanRemoval: true })
  diagnoses = new Collection<EncounterDiagnosis>(this);

  @OneToMany(() => EncounterLine, (l) => l.encounter, { orphanRemoval: true })
  lines = new Collection<EncounterLine>(this);
}

@ObjectType({ description: 'An ICD-10-CM diagnosis at a position; position 1 is the principal diagnosis.' })
@Entity({ tableName: 'encounter_diagnosis' })
@Index({ properties: ['encounter'] })
export class EncounterDiagnosis {
  @PrimaryKey({ type: 'uuid' })
  id: string = uuidv7();

  @ManyToOne(() => Encounter, { ref: true, deleteRule: 'cascade' })
  encounter!: Ref<Encounter>;

  @Field(() => Int, { description: '1-based; diagnosis pointers refer to it.' })
  @Property({ type: 'smallint' })
  position!: number;

  @Field(() => String, { description: 'ICD-10-CM code without the dot.' })
  @Property({ type: 'string', length: 8 })
  code!: string;
}

@ObjectType({ description: 'A coded service: procedure, modifiers, units, charge and the diagnoses it treats.' })
@Entity({ tableName: 'encounter_line' })
@Index({ properties: ['encounter'] })
export class EncounterLine {
  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string = uuidv7();

  @ManyToOne(() => Encounter, { ref: true, deleteRule: 'cascade' })
  encounter!: Ref<Encounter>;

  @Field(() => Int)
  @Property({ type: 'smallint' })
  lineNumber!: number;

  @Field(() => String, { description: 'CPT or HCPCS Level II code.' })
  @Property({ type: 'string', length: 5 })
  procedureCode!: string;

  @Field(() => [String], { description: 'Up to four two-character modifiers, in order.' })
  @Property({ type: 'json' })
  modifiers: string[] = [];

  @Field(() => Int)
  @Property({ type: 'integer' })
  units!: number;

  @Field(() => Int, { description: 'Line charge in integer cents.' })
  @Property({ type: 'integer' })
  chargeCents!: number;

  @Field(() => [Int], { description: '1–4 positions in the diagnosis list; the first is the primary reason for the line.' })
  @Property({ type: 'json' })
  diagnosisPointers: number[] = [];

  @Field(() => LocalDateScalar)
  @Property({ type: 'date' })
  serviceDate!: string;
}
