import { Migration } from '@mikro-orm/migrations';

export class Migration20261122101519_scrub extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "claim_scrub" ("id" uuid not null, "claim_id" uuid not null, "claim_version" int not null, "rule_set_key" varchar(60) not null, "rule_set_version" varchar(64) not null, "trigger" text check ("trigger" in ('READY', 'MANUAL', 'SUBMIT')) not null, "at" timestamptz not null, "actor" varchar(100) not null, "error_count" int not null, "warning_count" int not null, constraint "claim_scrub_pkey" primary key ("id"));`);
    this.addSql(`create index "claim_scrub_claim_id_at_index" on "claim_scrub" ("claim_id", "at");`);

    this.addSql(`create table "claim_finding" ("id" uuid not null, "scrub_id" uuid not null, "claim_id" uuid not null, "rule_id" varchar(60) not null, "rule_set_version" varchar(64) not null, "severity" text check ("severity" in ('ERROR', 'WARNING')) not null, "category" text check ("category" in ('COVERAGE', 'MEDICAL_NECESSITY', 'FILING', 'CODING', 'NCCI_PTP', 'MUE', 'AUTHORIZATION', 'DUPLICATE', 'DATA')) not null, "carc" varchar(4) not null, "rarc" jsonb not null, "line" smallint null, "message" text not null, "fix_hint" text null, "reference_releases" jsonb not null, "explanation" jsonb not null, constraint "claim_finding_pkey" primary key ("id"));`);
    this.addSql(`create index "claim_finding_rule_id_index" on "claim_finding" ("rule_id");`);
    this.addSql(`create index "claim_finding_claim_id_index" on "claim_finding" ("claim_id");`);
    this.addSql(`create index "claim_finding_scrub_id_index" on "claim_finding" ("scrub_id");`);

    this.addSql(`alter table "claim_scrub" add constraint "claim_scrub_claim_id_foreign" foreign key ("claim_id") references "claim" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "claim_finding" add constraint "claim_finding_scrub_id_foreign" foreign key ("scrub_id") references "claim_scrub" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "claim_finding" add constraint "claim_finding_claim_id_foreign" foreign key ("claim_id") references "claim" ("id") on update cascade on delete cascade;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "claim_finding" drop constraint "claim_finding_scrub_id_foreign";`);

    this.addSql(`drop table if exists "claim_scrub" cascade;`);

    this.addSql(`drop table if exists "claim_finding" cascade;`);
  }

}
