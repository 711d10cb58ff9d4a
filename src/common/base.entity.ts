import { PrimaryKey, Property, type Opt, DateTimeType } from '@mikro-orm/core';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { uuidv7 } from './ids';

/** Every stored record: a time-ordered UUID, timestamps, and a version for optimistic locking. */
@ObjectType()
export abstract class BaseEntity {
  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string = uuidv7();

  @Field(() => Date)
  @Property({ type: DateTimeType })
  createdAt: Date & Opt = new Date();

  @Field(() => Date)
  @Property({ type: DateTimeType, onUpdate: () => new Date() })
  updatedAt: Date & Opt = new Date();

  /** Incremented on every update; updates must send the version they read (CONFLICT otherwise). */
  @Field(() => Int)
  @Property({ version: true, type: 'integer' })
  version!: number & Opt;
}
