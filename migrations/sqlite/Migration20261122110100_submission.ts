import { Migration } from '@mikro-orm/migrations';

export class Migration20261122110100_submission extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table \`submission_batch\` (\`id\` text not null, \`created_at\` datetime not null, \`created_by\` text not null, \`request_id\` text null, \`interchange_control_number\` text not null, \`group_control_number\` text not null, \`first_transaction_control_number\` integer not null, \`transaction_count\` integer not null, \`claim_count\` integer not null, \`sender_id\` text not null, \`receiver_id\` text not null, \`usage\` text not null, \`sha256\` text not null, \`length\` integer not null, \`x12\` text not null, primary key (\`id\`));`);
    this.addSql(`create index \`submission_batch_created_at_index\` on \`submission_batch\` (\`created_at\`);`);
    this.addSql(`create unique index \`submission_batch_first_transaction_control_number_unique\` on \`submission_batch\` (\`first_transaction_control_number\`);`);
    this.addSql(`create unique index \`submission_batch_group_control_number_unique\` on \`submission_batch\` (\`group_control_number\`);`);
    this.addSql(`create unique index \`submission_batch_interchange_control_number_unique\` on \`submission_batch\` (\`interchange_control_number\`);`);
    this.addSql(`create table \`submission_batch_claim\` (\`id\` text not null, \`batch_id\` text not null, \`claim_id\` text not null, \`transaction_control_number\` text not null, constraint \`submission_batch_claim_batch_id_foreign\` foreign key(\`batch_id\`) references \`submission_batch\`(\`id\`) on delete cascade on update cascade, constraint \`submission_batch_claim_claim_id_foreign\` foreign key(\`claim_id\`) references \`claim\`(\`id\`) on update cascade, primary key (\`id\`));`);
    this.addSql(`create index \`submission_batch_claim_batch_id_index\` on \`submission_batch_claim\` (\`batch_id\`);`);
    this.addSql(`create index \`submission_batch_claim_claim_id_index\` on \`submission_batch_claim\` (\`claim_id\`);`);
    this.addSql(`create unique index \`submission_batch_claim_batch_id_claim_id_unique\` on \`submission_batch_claim\` (\`batch_id\`, \`claim_id\`);`);
    this.addSql(`create table \`x12_control_counter\` (\`name\` text not null, \`last_used\` integer not null, primary key (\`name\`));`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists \`submission_batch_claim\`;`);
    this.addSql(`drop table if exists \`submission_batch\`;`);
    this.addSql(`drop table if exists \`x12_control_counter\`;`);
  }

}
