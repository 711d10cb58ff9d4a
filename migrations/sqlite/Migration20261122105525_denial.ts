import { Migration } from '@mikro-orm/migrations';

export class Migration20261122105525_denial extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table \`denial\` (\`id\` text not null, \`created_at\` datetime not null, \`updated_at\` datetime not null, \`version\` integer not null default 1, \`claim_id\` text not null, \`line_id\` text null, \`line_number\` integer null, \`payer_id\` text not null, \`claim_payment_id\` text null, \`group_code\` text not null, \`carc\` text not null, \`rarcs\` json not null, \`amount_cents\` integer not null, \`scenario\` text check (\`scenario\` in ('ADDITIONAL_INFORMATION_REQUIRED', 'INVALID_CLAIM_DATA', 'NOT_COVERED', 'NOT_SEPARATELY_PAYABLE')) not null, \`reason_class\` text check (\`reason_class\` in ('CODING', 'ELIGIBILITY', 'AUTHORIZATION', 'TIMELY_FILING', 'MEDICAL_NECESSITY', 'DUPLICATE', 'BUNDLING', 'OTHER')) not null, \`status\` text check (\`status\` in ('OPEN', 'IN_REWORK', 'RESUBMITTED', 'APPEALED', 'CLOSED', 'WRITTEN_OFF')) not null default 'OPEN', \`denied_on\` date not null, \`appeal_deadline\` date null, \`predicted_by_rule_id\` text null, \`replacement_claim_id\` text null, \`note\` text null, constraint \`denial_claim_id_foreign\` foreign key(\`claim_id\`) references \`claim\`(\`id\`) on update cascade, constraint \`denial_line_id_foreign\` foreign key(\`line_id\`) references \`claim_line\`(\`id\`) on delete set null on update cascade, constraint \`denial_payer_id_foreign\` foreign key(\`payer_id\`) references \`payer\`(\`id\`) on update cascade, constraint \`denial_replacement_claim_id_foreign\` foreign key(\`replacement_claim_id\`) references \`claim\`(\`id\`) on delete set null on update cascade, primary key (\`id\`));`);
    this.addSql(`create index \`denial_line_id_index\` on \`denial\` (\`line_id\`);`);
    this.addSql(`create index \`denial_payer_id_index\` on \`denial\` (\`payer_id\`);`);
    this.addSql(`create index \`denial_replacement_claim_id_index\` on \`denial\` (\`replacement_claim_id\`);`);
    this.addSql(`create index \`denial_payer_id_denied_on_index\` on \`denial\` (\`payer_id\`, \`denied_on\`);`);
    this.addSql(`create index \`denial_claim_id_index\` on \`denial\` (\`claim_id\`);`);
    this.addSql(`create index \`denial_status_created_at_index\` on \`denial\` (\`status\`, \`created_at\`);`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists \`denial\`;`);
  }

}
