import { Migration } from '@mikro-orm/migrations';

/**
 * The audit trail (src/modules/audit). Append-only in the database itself, not only in the API:
 * HIPAA 45 CFR 164.312(b) audit controls, and 164.312(c)(1) integrity — a record that can be
 * rewritten is no record. The triggers refuse every UPDATE, DELETE and TRUNCATE on audit_event.
 */
export class Migration20261122143000_audit extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "audit_event" ("id" uuid not null, "at" timestamptz not null, "actor" varchar(100) not null, "role" varchar(20) null, "request_id" varchar(64) null, "operation" varchar(100) null, "action" text check ("action" in ('READ_PHI', 'CREATE', 'UPDATE', 'DELETE')) not null, "entity" varchar(60) not null, "entity_ids_json" text not null, "changed_fields_json" text null, constraint "audit_event_pkey" primary key ("id"));`);
    this.addSql(`create index "audit_event_at_index" on "audit_event" ("at");`);
    this.addSql(`create index "audit_event_actor_at_index" on "audit_event" ("actor", "at");`);
    this.addSql(`create index "audit_event_entity_at_index" on "audit_event" ("entity", "at");`);
    this.addSql(`create function "audit_event_append_only"() returns trigger language plpgsql as $$ begin raise exception 'audit_event is append-only' using errcode = 'insufficient_privilege'; end $$;`);
    this.addSql(`create trigger "audit_event_no_update_delete" before update or delete on "audit_event" for each row execute function "audit_event_append_only"();`);
    this.addSql(`create trigger "audit_event_no_truncate" before truncate on "audit_event" for each statement execute function "audit_event_append_only"();`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "audit_event" cascade;`);
    this.addSql(`drop function if exists "audit_event_append_only"();`);
  }

}
