import { Migration } from '@mikro-orm/migrations';

export class Migration20261122081614_reference_data extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "reference_release" ("id" uuid not null, "kind" text check ("kind" in ('ICD10CM', 'ICD10CM_ADDENDA', 'HCPCS', 'POS', 'CPT', 'NCCI_PTP', 'MUE', 'MCE', 'COVERAGE_ARTICLE')) not null, "setting" text check ("setting" in ('PRACTITIONER', 'OUTPATIENT', 'DME')) null, "file_name" varchar(255) not null, "sha256" varchar(64) not null, "effective_from" date not null, "effective_to" date null, "imported_at" timestamptz not null, "imported_by" varchar(100) not null, "rows_read" int not null default 0, "added" int not null default 0, "changed" int not null default 0, "retired" int not null default 0, "skipped" int not null default 0, constraint "reference_release_pkey" primary key ("id"));`);
    this.addSql(`create index "reference_release_kind_setting_effective_from_index" on "reference_release" ("kind", "setting", "effective_from");`);

    this.addSql(`create table "ncci_ptp_edit" ("id" bigserial primary key, "setting" text check ("setting" in ('PRACTITIONER', 'OUTPATIENT', 'DME')) not null, "column1" varchar(5) not null, "column2" varchar(5) not null, "prior1996" boolean not null, "effective_from" date not null, "effective_to" date null, "modifier_indicator" varchar(1) not null, "rationale" varchar(200) null, "release_id" uuid not null);`);
    this.addSql(`create index "ncci_ptp_edit_setting_column1_column2_index" on "ncci_ptp_edit" ("setting", "column1", "column2");`);

    this.addSql(`create table "mue_limit" ("id" bigserial primary key, "setting" text check ("setting" in ('PRACTITIONER', 'OUTPATIENT', 'DME')) not null, "code" varchar(5) not null, "units" int not null, "adjudication_indicator" smallint not null, "rationale" varchar(100) null, "effective_from" date not null, "effective_to" date null, "release_id" uuid not null);`);
    this.addSql(`create index "mue_limit_setting_code_index" on "mue_limit" ("setting", "code");`);

    this.addSql(`create table "code_edit" ("id" bigserial primary key, "code_type" varchar(1) not null, "code" varchar(8) not null, "edit_type" varchar(40) not null, "age_min" smallint null, "age_max" smallint null, "sex" varchar(1) null, "effective_from" date not null, "effective_to" date null, "release_id" uuid not null);`);
    this.addSql(`create index "code_edit_code_index" on "code_edit" ("code");`);

    this.addSql(`create table "article_procedure" ("id" bigserial primary key, "article_id" varchar(20) not null, "article_version" int not null, "code_group" int not null, "hcpc_code" varchar(5) not null, "release_id" uuid not null);`);
    this.addSql(`create index "article_procedure_hcpc_code_index" on "article_procedure" ("hcpc_code");`);

    this.addSql(`create table "article_diagnosis" ("id" bigserial primary key, "article_id" varchar(20) not null, "article_version" int not null, "code_group" int not null, "icd10code" varchar(8) not null, "covered" boolean not null, "release_id" uuid not null);`);
    this.addSql(`create index "article_diagnosis_article_id_code_group_index" on "article_diagnosis" ("article_id", "code_group");`);

    this.addSql(`alter table "ncci_ptp_edit" add constraint "ncci_ptp_edit_release_id_foreign" foreign key ("release_id") references "reference_release" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "mue_limit" add constraint "mue_limit_release_id_foreign" foreign key ("release_id") references "reference_release" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "code_edit" add constraint "code_edit_release_id_foreign" foreign key ("release_id") references "reference_release" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "article_procedure" add constraint "article_procedure_release_id_foreign" foreign key ("release_id") references "reference_release" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "article_diagnosis" add constraint "article_diagnosis_release_id_foreign" foreign key ("release_id") references "reference_release" ("id") on update cascade on delete cascade;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "ncci_ptp_edit" drop constraint "ncci_ptp_edit_release_id_foreign";`);

    this.addSql(`alter table "mue_limit" drop constraint "mue_limit_release_id_foreign";`);

    this.addSql(`alter table "code_edit" drop constraint "code_edit_release_id_foreign";`);

    this.addSql(`alter table "article_procedure" drop constraint "article_procedure_release_id_foreign";`);

    this.addSql(`alter table "article_diagnosis" drop constraint "article_diagnosis_release_id_foreign";`);

    this.addSql(`drop table if exists "reference_release" cascade;`);

    this.addSql(`drop table if exists "ncci_ptp_edit" cascade;`);

    this.addSql(`drop table if exists "mue_limit" cascade;`);

    this.addSql(`drop table if exists "code_edit" cascade;`);

    this.addSql(`drop table if exists "article_procedure" cascade;`);

    this.addSql(`drop table if exists "article_diagnosis" cascade;`);
  }

}
