import { Entity, Index, ManyToOne, OptionalProps, PrimaryKey, Property, Unique, type Opt, type Ref, DateTimeType } from '@mikro-orm/core';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { uuidv7 } from '../../common/ids';
import { transactionControlNumber } from '../../x12/837p/writer';
import { Claim } from '../claim/claim.entity';

/**
 * One 837P interchange sent for a set of claims (submitClaims). Its control numbers are unique
 * (database constraints) and come from X12ControlCounter, so concurrent submissions never share
 * one: ISA13 and GS06 are the batch's number, ST02s a contiguous range of their own. The X12 text
 * is kept exactly as produced, so a batch can be written out again byte for byte.
 */
@ObjectType({ description: 'An 837P interchange produced by submitClaims: its control numbers and X12 text.' })
@Entity({ tableName: 'submission_batch' })
@Unique({ properties: ['interchangeControlNumber'] })
@Unique({ properties: ['groupControlNumber'] })
@Unique({ properties: ['firstTransactionControlNumber'] })
@Index({ properties: ['createdAt'] })
export class SubmissionBatch {
  [OptionalProps]?: 'transactionControlNumbers';

  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string = uuidv7();

  @Field(() => Date)
  @Property({ type: DateTimeType })
  createdAt: Date & Opt = new Date();

  @Field(() => String, { description: 'The token subject that submitted the claims.' })
  @Property({ type: 'string', length: 100 })
  createdBy!: string;

  @Property({ type: 'string', length: 64, nullable: true })
  requestId?: string | null;

  @Field(() => String, { description: 'ISA13, 9 digits.' })
  @Property({ type: 'string', length: 9 })
  interchangeControlNumber!: string;

  @Field(() => String, { description: 'GS06.' })
  @Property({ type: 'string', length: 9 })
  groupControlNumber!: string;

  /** ST02 of the first transaction set; the others follow it (+1 each). */
  @Property({ type: 'integer' })
  firstTransactionControlNumber!: number;

  @Field(() => [String], { description: 'ST02 of each transaction set, in order.' })
  get transactionControlNumbers(): string[] {
    return Array.from({ length: this.transactionCount }, (_, i) => transactionControlNumber(this.firstTransactionControlNumber + i));
  }

  @Field(() => Int, { description: 'ST–SE transaction sets in the interchange (at most 5000 claims each).' })
  @Property({ type: 'integer' })
  transactionCount!: number;

  @Field(() => Int)
  @Property({ type: 'integer' })
  claimCount!: number;

  @Field(() => String, { description: 'ISA06 / GS02.' })
  @Property({ type: 'string', length: 15 })
  senderId!: string;

  @Field(() => String, { description: 'ISA08 / GS03.' })
  @Property({ type: 'string', length: 15 })
  receiverId!: string;

  @Field(() => String, { description: 'ISA15: P production, T test.' })
  @Property({ type: 'string', length: 1 })
  usage!: string;

  @Field(() => String, { description: 'SHA-256 of the X12 text (hex).' })
  @Property({ type: 'string', length: 64 })
  sha256!: string;

  @Field(() => Int, { description: 'Length of the X12 text in characters.' })
  @Property({ type: 'integer' })
  length!: number;

  /** The 837P as sent. Lazy: lists of batches do not load megabytes of text. */
  @Property({ type: 'text', lazy: true })
  x12!: string;
}

/** Which claims went out in which batch (and transaction set). */
@Entity({ tableName: 'submission_batch_claim' })
@Unique({ properties: ['batch', 'claim'] })
@Index({ properties: ['claim'] })
export class SubmissionBatchClaim {
  @PrimaryKey({ type: 'uuid' })
  id: string = uuidv7();

  @ManyToOne(() => SubmissionBatch, { ref: true, deleteRule: 'cascade' })
  batch!: Ref<SubmissionBatch>;

  @ManyToOne(() => Claim, { ref: true })
  claim!: Ref<Claim>;

  /** ST02 of the transaction set carrying the claim. */
  @Property({ type: 'string', length: 9 })
  transactionControlNumber!: string;
}

/**
 * The last X12 control number handed out, per kind ('ISA' for interchange/group, 'ST' for
 * transaction sets). Incremented with one atomic upsert inside the submitting transaction: on
 * PostgreSQL the row lock orders concurrent submissions, SQLite has a single writer.
 */
@Entity({ tableName: 'x12_control_counter' })
export class X12ControlCounter {
  @PrimaryKey({ type: 'string', length: 10 })
  name!: string;

  @Property({ type: 'integer' })
  lastUsed!: number;
}
