import { Migration } from '@mikro-orm/migrations';

export class Migration20261122073120_initial extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "code" ("id" uuid not null, "system" text check ("system" in ('ICD10CM', 'CPT', 'HCPCS', 'MODIFIER', 'POS')) not null, "code" varchar(10) not null, "short_description" varchar(100) null, "long_description" text null, "billable" boolean not null default true, "effective_from" date not null, "effective_to" date null, constraint "code_pkey" primary key ("id"));`);
    this.addSql(`create index "code_system_code_index" on "code" ("system", "code");`);
    this.addSql(`alter table "code" add constraint "code_system_code_effective_from_unique" unique ("system", "code", "effective_from");`);

    this.addSql(`create table "patient" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "version" int not null default 1, "first_name" varchar(60) not null, "middle_name" varchar(25) null, "last_name" varchar(60) not null, "birth_date" date not null, "sex" text check ("sex" in ('F', 'M', 'U')) not null, "address_line1" varchar(55) not null, "address_line2" varchar(55) null, "city" varchar(30) not null, "state" varchar(2) not null, "postal_code" varchar(15) not null, constraint "patient_pkey" primary key ("id"));`);
    this.addSql(`create index "patient_last_name_first_name_index" on "patient" ("last_name", "first_name");`);

    this.addSql(`create table "payer" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "version" int not null default 1, "name" varchar(60) not null, "payer_id" varchar(80) not null, "claim_filing_indicator" text check ("claim_filing_indicator" in ('11', '12', '13', '14', '15', '16', '17', 'AM', 'BL', 'CH', 'CI', 'DS', 'FI', 'HM', 'LM', 'MA', 'MB', 'MC', 'OF', 'TV', 'VA', 'WC', 'ZZ')) not null, "timely_filing_days" int not null, "appeal_days" int not null, "rule_set_key" varchar(60) null, constraint "payer_pkey" primary key ("id"));`);
    this.addSql(`alter table "payer" add constraint "payer_payer_id_unique" unique ("payer_id");`);

    this.addSql(`create table "coverage" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "version" int not null default 1, "patient_id" uuid not null, "payer_id" uuid not null, "member_id" varchar(80) not null, "group_number" varchar(50) null, "relationship" text check ("relationship" in ('SELF', 'SPOUSE', 'CHILD', 'EMPLOYEE', 'UNKNOWN', 'ORGAN_DONOR', 'CADAVER_DONOR', 'LIFE_PARTNER', 'OTHER')) not null, "subscriber_first_name" varchar(60) null, "subscriber_last_name" varchar(60) null, "subscriber_birth_date" date null, "subscriber_sex" text check ("subscriber_sex" in ('F', 'M', 'U')) null, "effective_from" date not null, "effective_to" date null, "order" text check ("order" in ('PRIMARY', 'SECONDARY', 'TERTIARY')) not null, constraint "coverage_pkey" primary key ("id"));`);
    this.addSql(`create index "coverage_patient_id_payer_id_index" on "coverage" ("patient_id", "payer_id");`);

    this.addSql(`create table "provider" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "version" int not null default 1, "npi" varchar(10) not null, "entity_type" text check ("entity_type" in ('PERSON', 'ORGANIZATION')) not null, "last_name_or_organization" varchar(60) not null, "first_name" varchar(35) null, "taxonomy_code" varchar(10) null, "tax_id" varchar(9) null, "is_billing" boolean not null, "is_rendering" boolean not null, "address_line1" varchar(55) null, "city" varchar(30) null, "state" varchar(2) null, "postal_code" varchar(15) null, constraint "provider_pkey" primary key ("id"));`);
    this.addSql(`alter table "provider" add constraint "provider_npi_unique" unique ("npi");`);

    this.addSql(`create table "encounter" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "version" int not null default 1, "patient_id" uuid not null, "billing_provider_id" uuid not null, "rendering_provider_id" uuid not null, "place_of_service" varchar(2) not null, "service_date_from" date not null, "service_date_to" date not null, "status" text check ("status" in ('OPEN', 'CODED', 'BILLED')) not null default 'OPEN', constraint "encounter_pkey" primary key ("id"));`);
    this.addSql(`create index "encounter_patient_id_index" on "encounter" ("patient_id");`);
    this.addSql(`create index "encounter_status_service_date_from_index" on "encounter" ("status", "service_date_from");`);

    this.addSql(`create table "encounter_line" ("id" uuid not null, "encounter_id" uuid not null, "line_number" smallint not null, "procedure_code" varchar(5) not null, "modifiers" jsonb not null, "units" int not null, "charge_cents" int not null, "diagnosis_pointers" jsonb not null, "service_date" date not null, constraint "encounter_line_pkey" primary key ("id"));`);
    this.addSql(`create index "encounter_line_encounter_id_index" on "encounter_line" ("encounter_id");`);

    this.addSql(`create table "encounter_diagnosis" ("id" uuid not null, "encounter_id" uuid not null, "position" smallint not null, "code" varchar(8) not null, constraint "encounter_diagnosis_pkey" primary key ("id"));`);
    this.addSql(`create index "encounter_diagnosis_encounter_id_index" on "encounter_diagnosis" ("encounter_id");`);

    this.addSql(`create table "claim" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "version" int not null default 1, "patient_id" uuid not null, "payer_id" uuid not null, "coverage_id" uuid not null, "encounter_id" uuid null, "billing_provider_id" uuid not null, "rendering_provider_id" uuid null, "original_claim_id" uuid null, "patient_control_number" varchar(38) not null, "claim_type" text check ("claim_type" in ('PROFESSIONAL')) not null default 'PROFESSIONAL', "frequency" text check ("frequency" in ('1', '7', '8')) not null default '1', "payer_claim_number" varchar(50) null, "prior_auth_number" varchar(50) null, "place_of_service" varchar(2) not null, "service_date_from" date not null, "service_date_to" date not null, "total_charge_cents" int not null, "status" text check ("status" in ('DRAFT', 'READY', 'SUBMITTED', 'ACCEPTED', 'REJECTED', 'PAID', 'PARTIALLY_PAID', 'DENIED', 'REPLACED', 'VOIDED', 'APPEALED', 'WRITTEN_OFF')) not null default 'DRAFT', "submitted_at" timestamptz null, constraint "claim_pkey" primary key ("id"));`);
    this.addSql(`create index "claim_patient_id_index" on "claim" ("patient_id");`);
    this.addSql(`create index "claim_payer_id_service_date_from_index" on "claim" ("payer_id", "service_date_from");`);
    this.addSql(`create index "claim_status_service_date_from_index" on "claim" ("status", "service_date_from");`);
    this.addSql(`alter table "claim" add constraint "claim_patient_control_number_unique" unique ("patient_control_number");`);

    this.addSql(`create table "claim_line" ("id" uuid not null, "claim_id" uuid not null, "line_number" smallint not null, "procedure_code" varchar(5) not null, "modifiers" jsonb not null, "units" int not null, "charge_cents" int not null, "diagnosis_pointers" jsonb not null, "service_date" date not null, "line_control_number" varchar(50) not null, constraint "claim_line_pkey" primary key ("id"));`);
    this.addSql(`create index "claim_line_claim_id_index" on "claim_line" ("claim_id");`);

    this.addSql(`create table "claim_history" ("id" uuid not null, "claim_id" uuid not null, "at" timestamptz not null, "actor" varchar(100) not null, "actor_role" varchar(20) not null, "action" text check ("action" in ('CREATED', 'UPDATED', 'STATUS_CHANGED')) not null, "from_status" text check ("from_status" in ('DRAFT', 'READY', 'SUBMITTED', 'ACCEPTED', 'REJECTED', 'PAID', 'PARTIALLY_PAID', 'DENIED', 'REPLACED', 'VOIDED', 'APPEALED', 'WRITTEN_OFF')) null, "to_status" text check ("to_status" in ('DRAFT', 'READY', 'SUBMITTED', 'ACCEPTED', 'REJECTED', 'PAID', 'PARTIALLY_PAID', 'DENIED', 'REPLACED', 'VOIDED', 'APPEALED', 'WRITTEN_OFF')) null, "changed_fields" jsonb not null, "claim_version" int not null, "request_id" varchar(64) null, constraint "claim_history_pkey" primary key ("id"));`);
    this.addSql(`create index "claim_history_claim_id_at_index" on "claim_history" ("claim_id", "at");`);

    this.addSql(`create table "claim_diagnosis" ("id" uuid not null, "claim_id" uuid not null, "position" smallint not null, "code" varchar(8) not null, constraint "claim_diagnosis_pkey" primary key ("id"));`);
    this.addSql(`create index "claim_diagnosis_claim_id_index" on "claim_diagnosis" ("claim_id");`);

    this.addSql(`alter table "coverage" add constraint "coverage_patient_id_foreign" foreign key ("patient_id") references "patient" ("id") on update cascade;`);
    this.addSql(`alter table "coverage" add constraint "coverage_payer_id_foreign" foreign key ("payer_id") references "payer" ("id") on update cascade;`);

    this.addSql(`alter table "encounter" add constraint "encounter_patient_id_foreign" foreign key ("patient_id") references "patient" ("id") on update cascade;`);
    this.addSql(`alter table "encounter" add constraint "encounter_billing_provider_id_foreign" foreign key ("billing_provider_id") references "provider" ("id") on update cascade;`);
    this.addSql(`alter table "encounter" add constraint "encounter_rendering_provider_id_foreign" foreign key ("rendering_provider_id") references "provider" ("id") on update cascade;`);

    this.addSql(`alter table "encounter_line" add constraint "encounter_line_encounter_id_foreign" foreign key ("encounter_id") references "encounter" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "encounter_diagnosis" add constraint "encounter_diagnosis_encounter_id_foreign" foreign key ("encounter_id") references "encounter" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "claim" add constraint "claim_patient_id_foreign" foreign key ("patient_id") references "patient" ("id") on update cascade;`);
    this.addSql(`alter table "claim" add constraint "claim_payer_id_foreign" foreign key ("payer_id") references "payer" ("id") on update cascade;`);
    this.addSql(`alter table "claim" add constraint "claim_coverage_id_foreign" foreign key ("coverage_id") references "coverage" ("id") on update cascade;`);
    this.addSql(`alter table "claim" add constraint "claim_encounter_id_foreign" foreign key ("encounter_id") references "encounter" ("id") on update cascade on delete set null;`);
    this.addSql(`alter table "claim" add constraint "claim_billing_provider_id_foreign" foreign key ("billing_provider_id") references "provider" ("id") on update cascade;`);
    this.addSql(`alter table "claim" add constraint "claim_rendering_provider_id_foreign" foreign key ("rendering_provider_id") references "provider" ("id") on update cascade on delete set null;`);
    this.addSql(`alter table "claim" add constraint "claim_original_claim_id_foreign" foreign key ("original_claim_id") references "claim" ("id") on update cascade on delete set null;`);

    this.addSql(`alter table "claim_line" add constraint "claim_line_claim_id_foreign" foreign key ("claim_id") references "claim" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "claim_history" add constraint "claim_history_claim_id_foreign" foreign key ("claim_id") references "claim" ("id") on update cascade;`);

    this.addSql(`alter table "claim_diagnosis" add constraint "claim_diagnosis_claim_id_foreign" foreign key ("claim_id") references "claim" ("id") on update cascade on delete cascade;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "coverage" drop constraint "coverage_patient_id_foreign";`);

    this.addSql(`alter table "encounter" drop constraint "encounter_patient_id_foreign";`);

    this.addSql(`alter table "claim" drop constraint "claim_patient_id_foreign";`);

    this.addSql(`alter table "coverage" drop constraint "coverage_payer_id_foreign";`);

    this.addSql(`alter table "claim" drop constraint "claim_payer_id_foreign";`);

    this.addSql(`alter table "claim" drop constraint "claim_coverage_id_foreign";`);

    this.addSql(`alter table "encounter" drop constraint "encounter_billing_provider_id_foreign";`);

    this.addSql(`alter table "encounter" drop constraint "encounter_rendering_provider_id_foreign";`);

    this.addSql(`alter table "claim" drop constraint "claim_billing_provider_id_foreign";`);

    this.addSql(`alter table "claim" drop constraint "claim_rendering_provider_id_foreign";`);

    this.addSql(`alter table "encounter_line" drop constraint "encounter_line_encounter_id_foreign";`);

    this.addSql(`alter table "encounter_diagnosis" drop constraint "encounter_diagnosis_encounter_id_foreign";`);

    this.addSql(`alter table "claim" drop constraint "claim_encounter_id_foreign";`);

    this.addSql(`alter table "claim" drop constraint "claim_original_claim_id_foreign";`);

    this.addSql(`alter table "claim_line" drop constraint "claim_line_claim_id_foreign";`);

    this.addSql(`alter table "claim_history" drop constraint "claim_history_claim_id_foreign";`);

    this.addSql(`alter table "claim_diagnosis" drop constraint "claim_diagnosis_claim_id_foreign";`);

    this.addSql(`drop table if exists "code" cascade;`);

    this.addSql(`drop table if exists "patient" cascade;`);

    this.addSql(`drop table if exists "payer" cascade;`);

    this.addSql(`drop table if exists "coverage" cascade;`);

    this.addSql(`drop table if exists "provider" cascade;`);

    this.addSql(`drop table if exists "encounter" cascade;`);

    this.addSql(`drop table if exists "encounter_line" cascade;`);

    this.addSql(`drop table if exists "encounter_diagnosis" cascade;`);

    this.addSql(`drop table if exists "claim" cascade;`);

    this.addSql(`drop table if exists "claim_line" cascade;`);

    this.addSql(`drop table if exists "claim_history" cascade;`);

    this.addSql(`drop table if exists "claim_diagnosis" cascade;`);
  }

}
