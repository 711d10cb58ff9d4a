import { Entity, Enum, Index, ManyToOne, PrimaryKey, Property, type Opt, type Ref, DateTimeType } from '@mikro-orm/core';
import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { uuidv7 } from '../../common/ids';
import { Denial, DenialStatus } from './denial.entity';

export enum DenialHistoryAction {
  /** changeDenialStatus: taken into rework, released, or closed. */
  STATUS_CHANGED = 'STATUS_CHANGED',
  /** reworkDenial: a replacement claim was created or corrected and re-scrubbed. */
  REWORKED = 'REWORKED',
  /** reworkDenial on another denial of the same claim: this one rides on its replacement. */
  REWORKED_WITH_CLAIM = 'REWORKED_WITH_CLAIM',
  APPEALED = 'APPEALED',
  WRITTEN_OFF = 'WRITTEN_OFF',
  /** voidClaim sent a void of the claim: nothing is left to recover on this denial. */
  CLAIM_VOIDED = 'CLAIM_VOIDED',
}
registerEnumType(DenialHistoryAction, { name: 'DenialHistoryAction' });

/**
 * Append-only record of every change to a denial: who (token subject and role), when, which
 * status move, which fields, the request id. Never the note text or any patient data: field
 * names and ids only. Nothing in the API updates or deletes these rows.
 */
@ObjectType({ description: 'One change to a denial. Names fields, never values (notes may hold free text).' })
@Entity({ tableName: 'denial_history' })
@Index({ properties: ['denial', 'at'] })
export class DenialHistory {
  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string = uuidv7();

  @ManyToOne(() => Denial, { ref: true })
  denial!: Ref<Denial>;

  @Field(() => Date)
  @Property({ type: DateTimeType })
  at: Date & Opt = new Date();

  @Field(() => String, { description: 'The token subject (user id) that made the change.' })
  @Property({ type: 'string', length: 100 })
  actor!: string;

  @Field(() => String)
  @Property({ type: 'string', length: 20 })
  actorRole!: string;

  @Field(() => DenialHistoryAction)
  @Enum({ items: () => DenialHistoryAction })
  action!: DenialHistoryAction;

  @Field(() => DenialStatus)
  @Enum({ items: () => DenialStatus })
  fromStatus!: DenialStatus;

  @Field(() => DenialStatus)
  @Enum({ items: () => DenialStatus })
  toStatus!: DenialStatus;

  @Field(() => [String], { description: 'Names of the fields the change set (status, replacementClaim, note, writeOffReason).' })
  @Property({ type: 'json' })
  changedFields: string[] = [];

  @Field(() => ID, { nullable: true, description: 'The replacement or void claim the change created or used.' })
  @Property({ type: 'uuid', nullable: true })
  relatedClaimId?: string | null;

  /** The denial's version after this change. */
  @Field(() => Int)
  @Property({ type: 'integer' })
  denialVersion!: number;

  @Field(() => String, { nullable: true })
  @Property({ type: 'string', length: 64, nullable: true })
  requestId?: string | null;
}
