import { Migration } from '@mikro-orm/migrations';

export class Migration20261122110300_denial_rework extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table "denial" add column "write_off_reason" text check ("write_off_reason" in ('TIMELY_FILING', 'NOT_APPEALABLE', 'APPEALS_EXHAUSTED', 'BUNDLED', 'NO_AUTHORIZATION', 'PROVIDER_LIABILITY', 'SMALL_BALANCE', 'OTHER')) null;`);
    this.addSql(`create index "denial_appeal_deadline_id_index" on "denial" ("appeal_deadline", "id");`);
    this.addSql(`create index "denial_denied_on_id_index" on "denial" ("denied_on", "id");`);
    this.addSql(`create index "denial_amount_cents_id_index" on "denial" ("amount_cents", "id");`);
    this.addSql(`create table "denial_history" ("id" uuid not null, "denial_id" uuid not null, "at" timestamptz not null, "actor" varchar(100) not null, "actor_role" varchar(20) not null, "action" text check ("action" in ('STATUS_CHANGED', 'REWORKED', 'REWORKED_WITH_CLAIM', 'APPEALED', 'WRITTEN_OFF', 'CLAIM_VOIDED')) not null, "from_status" text check ("from_status" in ('OPEN', 'IN_REWORK', 'RESUBMITTED', 'APPEALED', 'CLOSED', 'WRITTEN_OFF')) not null, "to_status" text check ("to_status" in ('OPEN', 'IN_REWORK', 'RESUBMITTED', 'APPEALED', 'CLOSED', 'WRITTEN_OFF')) not null, "changed_fields" jsonb not null, "related_claim_id" uuid null, "denial_version" int not null, "request_id" varchar(64) null, constraint "denial_history_pkey" primary key ("id"));`);
    this.addSql(`create index "denial_history_denial_id_at_index" on "denial_history" ("denial_id", "at");`);

    this.addSql(`alter table "denial_history" add constraint "denial_history_denial_id_foreign" foreign key ("denial_id") references "denial" ("id") on update cascade;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "denial_history" cascade;`);
    this.addSql(`drop index if exists "denial_amount_cents_id_index";`);
    this.addSql(`drop index if exists "denial_denied_on_id_index";`);
    this.addSql(`drop index if exists "denial_appeal_deadline_id_index";`);
    this.addSql(`alter table "denial" drop column "write_off_reason";`);
  }

}
