import { Entity, Enum, OptionalProps, Property, Unique } from '@mikro-orm/core';
import { Field, ObjectType, registerEnumType } from 'type-graphql';
import { BaseEntity } from '../../common/base.entity';

/** X12 NM102 entity type qualifier: 1 person, 2 non-person entity. */
export enum ProviderEntityType {
  PERSON = 'PERSON',
  ORGANIZATION = 'ORGANIZATION',
}
registerEnumType(ProviderEntityType, { name: 'ProviderEntityType' });

@ObjectType({ description: 'A billing and/or rendering provider, identified by NPI.' })
@Entity({ tableName: 'provider' })
@Unique({ properties: ['npi'] })
export class Provider extends BaseEntity {
  [OptionalProps]?: 'displayName' | 'createdAt' | 'updatedAt' | 'version';

  @Field(() => String, { description: '10-digit National Provider Identifier (check digit verified).' })
  @Property({ type: 'string', length: 10 })
  npi!: string;

  @Field(() => ProviderEntityType)
  @Enum({ items: () => ProviderEntityType })
  entityType!: ProviderEntityType;

  @Field(() => String, { description: 'Last name of a person, or the organization name.' })
  @Property({ type: 'string', length: 60 })
  lastNameOrOrganization!: string;

  @Field(() => String, { nullable: true })
  @Property({ type: 'string', length: 35, nullable: true })
  firstName?: string | null;

  @Field(() => String, { nullable: true, description: 'NUCC health care provider taxonomy code (PRV03).' })
  @Property({ type: 'string', length: 10, nullable: true })
  taxonomyCode?: string | null;

  @Field(() => String, { nullable: true, description: 'Federal tax id (EIN), 9 digits; required to bill.' })
  @Property({ type: 'string', length: 9, nullable: true })
  taxId?: string | null;

  @Field(() => Boolean)
  @Property({ type: 'boolean' })
  isBilling!: boolean;

  @Field(() => Boolean)
  @Property({ type: 'boolean' })
  isRendering!: boolean;

  @Field(() => String, { nullable: true })
  @Property({ type: 'string', length: 55, nullable: true })
  addressLine1?: string | null;

  @Field(() => String, { nullable: true })
  @Property({ type: 'string', length: 30, nullable: true })
  city?: string | null;

  @Field(() => String, { nullable: true })
  @Property({ type: 'string', length: 2, nullable: true })
  state?: string | null;

  @Field(() => String, { nullable: true })
  @Property({ type: 'string', length: 15, nullable: true })
  postalCode?: string | null;

  @Field(() => String, { description: 'Display name: "Last, First" for a person, the organization name otherwise.' })
  get displayName(): string {
    return this.entityType === ProviderEntityType.PERSON && this.firstName
      ? `${this.lastNameOrOrganization}, ${this.firstName}`
      : this.lastNameOrOrganization;
  }
}
