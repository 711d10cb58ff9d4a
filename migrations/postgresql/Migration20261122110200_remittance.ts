import { Migration } from '@mikro-orm/migrations';

/** 835 remittance posting (issue 5): remittances, claim and service payments, CAS adjustments, PLB provider adjustments. */
export class Migration20261122110200_remittance extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "remittance" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "version" int not null default 1, "file_sha256" varchar(64) not null, "file_name" varchar(255) null, "transaction_index" smallint not null, "interchange_control_number" varchar(9) null, "group_control_number" varchar(9) null, "transaction_control_number" varchar(9) not null, "implementation_version" varchar(12) not null, "handling_code" varchar(2) not null, "payment_cents" bigint not null, "credit_debit" varchar(2) not null, "payment_method" varchar(3) not null, "payment_date" date null, "trace_number" varchar(50) null, "trace_originator_id" varchar(10) null, "payer_key" varchar(80) not null, "production_date" date null, "remittance_date" date not null, "payer_name" varchar(60) null, "payer_identifier" varchar(80) null, "payee_name" varchar(60) null, "payee_id" varchar(80) null, "balanced" boolean not null, "claim_count" int not null, "matched_count" int not null, "posted_at" timestamptz not null, "posted_by" varchar(100) not null, "posted_by_role" varchar(20) not null, "request_id" varchar(64) null, "warnings" jsonb not null, constraint "remittance_pkey" primary key ("id"));`);
    this.addSql(`create index "remittance_posted_at_index" on "remittance" ("posted_at");`);
    this.addSql(`alter table "remittance" add constraint "remittance_payer_key_trace_number_unique" unique ("payer_key", "trace_number");`);
    this.addSql(`alter table "remittance" add constraint "remittance_file_sha256_transaction_index_unique" unique ("file_sha256", "transaction_index");`);
    this.addSql(`create table "provider_adjustment" ("id" uuid not null, "remittance_id" uuid not null, "position" int not null, "provider_identifier" varchar(50) not null, "fiscal_period_date" date null, "reason_code" varchar(2) not null, "reference" varchar(50) null, "amount_cents" int not null, constraint "provider_adjustment_pkey" primary key ("id"));`);
    this.addSql(`create index "provider_adjustment_remittance_id_index" on "provider_adjustment" ("remittance_id");`);
    this.addSql(`create table "claim_payment" ("id" uuid not null, "remittance_id" uuid not null, "claim_id" uuid null, "position" int not null, "patient_control_number" varchar(38) not null, "status_code" varchar(2) not null, "charge_cents" int not null, "paid_cents" int not null, "patient_responsibility_cents" int null, "filing_indicator" varchar(2) null, "payer_claim_number" varchar(50) null, "facility_code" varchar(2) null, "frequency_code" varchar(1) null, "remark_codes" jsonb not null, "references" jsonb not null, "amounts" jsonb not null, "statement_from" date null, "statement_to" date null, "balanced" boolean not null, "reversal" boolean not null, "reversed" boolean not null default false, "reverses_id" uuid null, "reversed_by_id" uuid null, "claim_status_before" text check ("claim_status_before" in ('DRAFT', 'READY', 'SUBMITTED', 'ACCEPTED', 'REJECTED', 'PAID', 'PARTIALLY_PAID', 'DENIED', 'REPLACED', 'VOIDED', 'APPEALED', 'WRITTEN_OFF')) null, "claim_status_target" text check ("claim_status_target" in ('DRAFT', 'READY', 'SUBMITTED', 'ACCEPTED', 'REJECTED', 'PAID', 'PARTIALLY_PAID', 'DENIED', 'REPLACED', 'VOIDED', 'APPEALED', 'WRITTEN_OFF')) null, "status_effect" text check ("status_effect" in ('MOVED', 'NO_CHANGE', 'NOT_ALLOWED', 'NO_CLAIM')) not null, constraint "claim_payment_pkey" primary key ("id"));`);
    this.addSql(`create index "claim_payment_patient_control_number_index" on "claim_payment" ("patient_control_number");`);
    this.addSql(`create index "claim_payment_claim_id_index" on "claim_payment" ("claim_id");`);
    this.addSql(`create index "claim_payment_remittance_id_index" on "claim_payment" ("remittance_id");`);
    this.addSql(`create table "service_payment" ("id" uuid not null, "claim_payment_id" uuid not null, "claim_line_id" uuid null, "line_match" text check ("line_match" in ('LINE_CONTROL_NUMBER', 'CODE_AND_DATE', 'NONE')) not null, "position" int not null, "procedure_qualifier" varchar(48) not null, "procedure_code" varchar(48) not null, "modifiers" jsonb not null, "charge_cents" int not null, "paid_cents" int not null, "revenue_code" varchar(48) null, "units_paid" double precision not null, "submitted_procedure_code" varchar(48) null, "submitted_units" double precision null, "service_date_from" date null, "service_date_to" date null, "line_control_number" varchar(50) null, "allowed_cents" int null, "amounts" jsonb not null, "remark_codes" jsonb not null, "balanced" boolean not null, constraint "service_payment_pkey" primary key ("id"));`);
    this.addSql(`create index "service_payment_claim_line_id_index" on "service_payment" ("claim_line_id");`);
    this.addSql(`create index "service_payment_claim_payment_id_index" on "service_payment" ("claim_payment_id");`);
    this.addSql(`create table "payment_adjustment" ("id" uuid not null, "claim_payment_id" uuid not null, "service_payment_id" uuid null, "level" text check ("level" in ('CLAIM', 'SERVICE')) not null, "position" int not null, "group_code" varchar(2) not null, "carc" varchar(5) not null, "amount_cents" int not null, "quantity" double precision null, constraint "payment_adjustment_pkey" primary key ("id"));`);
    this.addSql(`create index "payment_adjustment_service_payment_id_index" on "payment_adjustment" ("service_payment_id");`);
    this.addSql(`create index "payment_adjustment_claim_payment_id_index" on "payment_adjustment" ("claim_payment_id");`);

    this.addSql(`alter table "provider_adjustment" add constraint "provider_adjustment_remittance_id_foreign" foreign key ("remittance_id") references "remittance" ("id") on update cascade;`);
    this.addSql(`alter table "claim_payment" add constraint "claim_payment_remittance_id_foreign" foreign key ("remittance_id") references "remittance" ("id") on update cascade;`);
    this.addSql(`alter table "claim_payment" add constraint "claim_payment_claim_id_foreign" foreign key ("claim_id") references "claim" ("id") on update cascade on delete set null;`);
    this.addSql(`alter table "claim_payment" add constraint "claim_payment_reverses_id_foreign" foreign key ("reverses_id") references "claim_payment" ("id") on update cascade on delete set null;`);
    this.addSql(`alter table "claim_payment" add constraint "claim_payment_reversed_by_id_foreign" foreign key ("reversed_by_id") references "claim_payment" ("id") on update cascade on delete set null;`);
    this.addSql(`alter table "service_payment" add constraint "service_payment_claim_payment_id_foreign" foreign key ("claim_payment_id") references "claim_payment" ("id") on update cascade;`);
    this.addSql(`alter table "service_payment" add constraint "service_payment_claim_line_id_foreign" foreign key ("claim_line_id") references "claim_line" ("id") on update cascade on delete set null;`);
    this.addSql(`alter table "payment_adjustment" add constraint "payment_adjustment_claim_payment_id_foreign" foreign key ("claim_payment_id") references "claim_payment" ("id") on update cascade;`);
    this.addSql(`alter table "payment_adjustment" add constraint "payment_adjustment_service_payment_id_foreign" foreign key ("service_payment_id") references "service_payment" ("id") on update cascade on delete set null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "payment_adjustment" cascade;`);
    this.addSql(`drop table if exists "service_payment" cascade;`);
    this.addSql(`drop table if exists "claim_payment" cascade;`);
    this.addSql(`drop table if exists "provider_adjustment" cascade;`);
    this.addSql(`drop table if exists "remittance" cascade;`);
  }

}
