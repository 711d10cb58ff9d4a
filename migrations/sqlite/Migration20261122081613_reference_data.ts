import { Migration } from '@mikro-orm/migrations';

export class Migration20261122081613_reference_data extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table \`reference_release\` (\`id\` text not null, \`kind\` text check (\`kind\` in ('ICD10CM', 'ICD10CM_ADDENDA', 'HCPCS', 'POS', 'CPT', 'NCCI_PTP', 'MUE', 'MCE', 'COVERAGE_ARTICLE')) not null, \`setting\` text check (\`setting\` in ('PRACTITIONER', 'OUTPATIENT', 'DME')) null, \`file_name\` text not null, \`sha256\` text not null, \`effective_from\` date not null, \`effective_to\` date null, \`imported_at\` datetime not null, \`imported_by\` text not null, \`rows_read\` integer not null default 0, \`added\` integer not null default 0, \`changed\` integer not null default 0, \`retired\` integer not null default 0, \`skipped\` integer not null default 0, primary key (\`id\`));`);
    this.addSql(`create index \`reference_release_kind_setting_effective_from_index\` on \`reference_release\` (\`kind\`, \`setting\`, \`effective_from\`);`);

    this.addSql(`create table \`ncci_ptp_edit\` (\`id\` integer not null primary key autoincrement, \`setting\` text check (\`setting\` in ('PRACTITIONER', 'OUTPATIENT', 'DME')) not null, \`column1\` text not null, \`column2\` text not null, \`prior1996\` integer not null, \`effective_from\` date not null, \`effective_to\` date null, \`modifier_indicator\` text not null, \`rationale\` text null, \`release_id\` text not null, constraint \`ncci_ptp_edit_release_id_foreign\` foreign key(\`release_id\`) references \`reference_release\`(\`id\`) on delete cascade on update cascade);`);
    this.addSql(`create index \`ncci_ptp_edit_release_id_index\` on \`ncci_ptp_edit\` (\`release_id\`);`);
    this.addSql(`create index \`ncci_ptp_edit_setting_column1_column2_index\` on \`ncci_ptp_edit\` (\`setting\`, \`column1\`, \`column2\`);`);

    this.addSql(`create table \`mue_limit\` (\`id\` integer not null primary key autoincrement, \`setting\` text check (\`setting\` in ('PRACTITIONER', 'OUTPATIENT', 'DME')) not null, \`code\` text not null, \`units\` integer not null, \`adjudication_indicator\` integer not null, \`rationale\` text null, \`effective_from\` date not null, \`effective_to\` date null, \`release_id\` text not null, constraint \`mue_limit_release_id_foreign\` foreign key(\`release_id\`) references \`reference_release\`(\`id\`) on delete cascade on update cascade);`);
    this.addSql(`create index \`mue_limit_release_id_index\` on \`mue_limit\` (\`release_id\`);`);
    this.addSql(`create index \`mue_limit_setting_code_index\` on \`mue_limit\` (\`setting\`, \`code\`);`);

    this.addSql(`create table \`code_edit\` (\`id\` integer not null primary key autoincrement, \`code_type\` text not null, \`code\` text not null, \`edit_type\` text not null, \`age_min\` integer null, \`age_max\` integer null, \`sex\` text null, \`effective_from\` date not null, \`effective_to\` date null, \`release_id\` text not null, constraint \`code_edit_release_id_foreign\` foreign key(\`release_id\`) references \`reference_release\`(\`id\`) on delete cascade on update cascade);`);
    this.addSql(`create index \`code_edit_release_id_index\` on \`code_edit\` (\`release_id\`);`);
    this.addSql(`create index \`code_edit_code_index\` on \`code_edit\` (\`code\`);`);

    this.addSql(`create table \`article_procedure\` (\`id\` integer not null primary key autoincrement, \`article_id\` text not null, \`article_version\` integer not null, \`code_group\` integer not null, \`hcpc_code\` text not null, \`release_id\` text not null, constraint \`article_procedure_release_id_foreign\` foreign key(\`release_id\`) references \`reference_release\`(\`id\`) on delete cascade on update cascade);`);
    this.addSql(`create index \`article_procedure_release_id_index\` on \`article_procedure\` (\`release_id\`);`);
    this.addSql(`create index \`article_procedure_hcpc_code_index\` on \`article_procedure\` (\`hcpc_code\`);`);

    this.addSql(`create table \`article_diagnosis\` (\`id\` integer not null primary key autoincrement, \`article_id\` text not null, \`article_version\` integer not null, \`code_group\` integer not null, \`icd10code\` text not null, \`covered\` integer not null, \`release_id\` text not null, constraint \`article_diagnosis_release_id_foreign\` foreign key(\`release_id\`) references \`reference_release\`(\`id\`) on delete cascade on update cascade);`);
    this.addSql(`create index \`article_diagnosis_release_id_index\` on \`article_diagnosis\` (\`release_id\`);`);
    this.addSql(`create index \`article_diagnosis_article_id_code_group_index\` on \`article_diagnosis\` (\`article_id\`, \`code_group\`);`);
  }

}
