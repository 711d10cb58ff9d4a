import { Migration } from '@mikro-orm/migrations';

/**
 * The audit trail (src/modules/audit). Append-only in the database itself, not only in the API:
 * HIPAA 45 CFR 164.312(b) audit controls, and 164.312(c)(1) integrity — a record that can be
 * rewritten is no record. The triggers refuse every UPDATE and DELETE on audit_event.
 */
export class Migration20261122143000_audit extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table \`audit_event\` (\`id\` text not null, \`at\` datetime not null, \`actor\` text not null, \`role\` text null, \`request_id\` text null, \`operation\` text null, \`action\` text check (\`action\` in ('READ_PHI', 'CREATE', 'UPDATE', 'DELETE')) not null, \`entity\` text not null, \`entity_ids_json\` text not null, \`changed_fields_json\` text null, primary key (\`id\`));`);
    this.addSql(`create index \`audit_event_at_index\` on \`audit_event\` (\`at\`);`);
    this.addSql(`create index \`audit_event_actor_at_index\` on \`audit_event\` (\`actor\`, \`at\`);`);
    this.addSql(`create index \`audit_event_entity_at_index\` on \`audit_event\` (\`entity\`, \`at\`);`);
    this.addSql(`create trigger \`audit_event_no_update\` before update on \`audit_event\` begin select raise(abort, 'audit_event is append-only'); end;`);
    this.addSql(`create trigger \`audit_event_no_delete\` before delete on \`audit_event\` begin select raise(abort, 'audit_event is append-only'); end;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop trigger if exists \`audit_event_no_delete\`;`);
    this.addSql(`drop trigger if exists \`audit_event_no_update\`;`);
    this.addSql(`drop table if exists \`audit_event\`;`);
  }

}
