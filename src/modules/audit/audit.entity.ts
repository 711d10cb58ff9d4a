import { Entity, Enum, Index, PrimaryKey, Property, type Opt, DateTimeType } from '@mikro-orm/core';
import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { uuidv7 } from '../../common/ids';

export enum AuditAction {
  /** PHI fields of these objects were sent to the caller (src/auth/phi.ts). */
  READ_PHI = 'READ_PHI',
  CREATE = 'CREATE',
  UPDATE = 'UPDATE',
  DELETE = 'DELETE',
}
registerEnumType(AuditAction, { name: 'AuditAction', description: 'What an audit event records.' });

/**
 * The audit trail HIPAA asks for (45 CFR 164.312(b), audit controls: record and examine activity
 * in systems that contain ePHI). Append-only: nothing in the API updates or deletes these rows,
 * and database triggers refuse UPDATE and DELETE (migrations *_audit). Ids, names of entities and
 * fields, never values: an audit row must not itself become a copy of the PHI it protects.
 */
@ObjectType({ description: 'One audited action: who, as which role, in which request, on which objects (ids only, never values).' })
@Entity({ tableName: 'audit_event' })
@Index({ properties: ['entity', 'at'] })
@Index({ properties: ['actor', 'at'] })
@Index({ properties: ['at'] })
export class AuditEvent {
  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string = uuidv7();

  @Field(() => Date)
  @Property({ type: DateTimeType })
  at: Date & Opt = new Date();

  @Field(() => String, { description: "Token subject (user id), or `system:…` for the server's own work (seeds, unattributed jobs)." })
  @Property({ type: 'string', length: 100 })
  actor!: string;

  @Field(() => String, { nullable: true, description: 'The role the actor acted as.' })
  @Property({ type: 'string', length: 20, nullable: true })
  role?: string | null;

  @Field(() => String, { nullable: true })
  @Property({ type: 'string', length: 64, nullable: true })
  requestId?: string | null;

  @Field(() => String, { nullable: true, description: 'GraphQL operation name (or root field), or the CLI command.' })
  @Property({ type: 'string', length: 100, nullable: true })
  operation?: string | null;

  @Field(() => AuditAction)
  @Enum({ items: () => AuditAction })
  action!: AuditAction;

  @Field(() => String, { description: 'Entity (type) name, e.g. Patient, Claim.' })
  @Property({ type: 'string', length: 60 })
  entity!: string;

  /** JSON array text of ids; a text column so one LIKE filter works in both dialects. */
  @Property({ type: 'text' })
  entityIdsJson!: string;

  /** JSON array text of property names an UPDATE changed (names only), or null. */
  @Property({ type: 'text', nullable: true })
  changedFieldsJson?: string | null;

  @Field(() => [ID], { description: 'The objects acted on.' })
  get entityIds(): string[] {
    return JSON.parse(this.entityIdsJson) as string[];
  }

  @Field(() => [String], { description: 'For UPDATE: the names of the properties changed (never their values).' })
  get changedFields(): string[] {
    return this.changedFieldsJson ? (JSON.parse(this.changedFieldsJson) as string[]) : [];
  }
}
