import { Migration } from '@mikro-orm/migrations';

export class Migration20261122110100_submission extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "submission_batch" ("id" uuid not null, "created_at" timestamptz not null, "created_by" varchar(100) not null, "request_id" varchar(64) null, "interchange_control_number" varchar(9) not null, "group_control_number" varchar(9) not null, "first_transaction_control_number" int not null, "transaction_count" int not null, "claim_count" int not null, "sender_id" varchar(15) not null, "receiver_id" varchar(15) not null, "usage" varchar(1) not null, "sha256" varchar(64) not null, "length" int not null, "x12" text not null, constraint "submission_batch_pkey" primary key ("id"));`);
    this.addSql(`create index "submission_batch_created_at_index" on "submission_batch" ("created_at");`);
    this.addSql(`alter table "submission_batch" add constraint "submission_batch_first_transaction_control_number_unique" unique ("first_transaction_control_number");`);
    this.addSql(`alter table "submission_batch" add constraint "submission_batch_group_control_number_unique" unique ("group_control_number");`);
    this.addSql(`alter table "submission_batch" add constraint "submission_batch_interchange_control_number_unique" unique ("interchange_control_number");`);
    this.addSql(`create table "submission_batch_claim" ("id" uuid not null, "batch_id" uuid not null, "claim_id" uuid not null, "transaction_control_number" varchar(9) not null, constraint "submission_batch_claim_pkey" primary key ("id"));`);
    this.addSql(`create index "submission_batch_claim_claim_id_index" on "submission_batch_claim" ("claim_id");`);
    this.addSql(`alter table "submission_batch_claim" add constraint "submission_batch_claim_batch_id_claim_id_unique" unique ("batch_id", "claim_id");`);
    this.addSql(`create table "x12_control_counter" ("name" varchar(10) not null, "last_used" int not null, constraint "x12_control_counter_pkey" primary key ("name"));`);

    this.addSql(`alter table "submission_batch_claim" add constraint "submission_batch_claim_batch_id_foreign" foreign key ("batch_id") references "submission_batch" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "submission_batch_claim" add constraint "submission_batch_claim_claim_id_foreign" foreign key ("claim_id") references "claim" ("id") on update cascade;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "submission_batch_claim" cascade;`);
    this.addSql(`drop table if exists "submission_batch" cascade;`);
    this.addSql(`drop table if exists "x12_control_counter" cascade;`);
  }

}
