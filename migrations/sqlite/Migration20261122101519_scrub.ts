import { Migration } from '@mikro-orm/migrations';

export class Migration20261122101519_scrub extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table \`claim_scrub\` (\`id\` text not null, \`claim_id\` text not null, \`claim_version\` integer not null, \`rule_set_key\` text not null, \`rule_set_version\` text not null, \`trigger\` text check (\`trigger\` in ('READY', 'MANUAL', 'SUBMIT')) not null, \`at\` datetime not null, \`actor\` text not null, \`error_count\` integer not null, \`warning_count\` integer not null, constraint \`claim_scrub_claim_id_foreign\` foreign key(\`claim_id\`) references \`claim\`(\`id\`) on delete cascade on update cascade, primary key (\`id\`));`);
    this.addSql(`create index \`claim_scrub_claim_id_index\` on \`claim_scrub\` (\`claim_id\`);`);
    this.addSql(`create index \`claim_scrub_claim_id_at_index\` on \`claim_scrub\` (\`claim_id\`, \`at\`);`);

    this.addSql(`create table \`claim_finding\` (\`id\` text not null, \`scrub_id\` text not null, \`claim_id\` text not null, \`rule_id\` text not null, \`rule_set_version\` text not null, \`severity\` text check (\`severity\` in ('ERROR', 'WARNING')) not null, \`category\` text check (\`category\` in ('COVERAGE', 'MEDICAL_NECESSITY', 'FILING', 'CODING', 'NCCI_PTP', 'MUE', 'AUTHORIZATION', 'DUPLICATE', 'DATA')) not null, \`carc\` text not null, \`rarc\` json not null, \`line\` integer null, \`message\` text not null, \`fix_hint\` text null, \`reference_releases\` json not null, \`explanation\` json not null, constraint \`claim_finding_scrub_id_foreign\` foreign key(\`scrub_id\`) references \`claim_scrub\`(\`id\`) on delete cascade on update cascade, constraint \`claim_finding_claim_id_foreign\` foreign key(\`claim_id\`) references \`claim\`(\`id\`) on delete cascade on update cascade, primary key (\`id\`));`);
    this.addSql(`create index \`claim_finding_rule_id_index\` on \`claim_finding\` (\`rule_id\`);`);
    this.addSql(`create index \`claim_finding_claim_id_index\` on \`claim_finding\` (\`claim_id\`);`);
    this.addSql(`create index \`claim_finding_scrub_id_index\` on \`claim_finding\` (\`scrub_id\`);`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists \`claim_finding\`;`);
    this.addSql(`drop table if exists \`claim_scrub\`;`);
  }

}
