import { Migration } from '@mikro-orm/migrations';

/**
 * Word search over code descriptions: an FTS5 index kept in step with `code` by triggers.
 * Hand-written (the ORM does not model virtual tables or triggers); `claimflow migrate check`
 * ignores the code_fts* tables. A later migration that rebuilds `code` (SQLite ALTER emulation)
 * drops these triggers with the table: recreate them and run the 'rebuild' command after it.
 */
export class Migration20261122092000_code_search extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create virtual table \`code_fts\` using fts5(\`short_description\`, \`long_description\`, content='code', content_rowid='rowid', tokenize='unicode61', prefix='2 3 4');`,
    );
    this.addSql(`insert into \`code_fts\`(\`code_fts\`) values ('rebuild');`);
    this.addSql(
      `create trigger \`code_fts_after_insert\` after insert on \`code\` begin insert into \`code_fts\`(rowid, \`short_description\`, \`long_description\`) values (new.rowid, new.\`short_description\`, new.\`long_description\`); end;`,
    );
    this.addSql(
      `create trigger \`code_fts_after_delete\` after delete on \`code\` begin insert into \`code_fts\`(\`code_fts\`, rowid, \`short_description\`, \`long_description\`) values ('delete', old.rowid, old.\`short_description\`, old.\`long_description\`); end;`,
    );
    this.addSql(
      `create trigger \`code_fts_after_update\` after update of \`short_description\`, \`long_description\` on \`code\` begin insert into \`code_fts\`(\`code_fts\`, rowid, \`short_description\`, \`long_description\`) values ('delete', old.rowid, old.\`short_description\`, old.\`long_description\`); insert into \`code_fts\`(rowid, \`short_description\`, \`long_description\`) values (new.rowid, new.\`short_description\`, new.\`long_description\`); end;`,
    );
  }

  override async down(): Promise<void> {
    this.addSql('drop trigger if exists `code_fts_after_update`;');
    this.addSql('drop trigger if exists `code_fts_after_delete`;');
    this.addSql('drop trigger if exists `code_fts_after_insert`;');
    this.addSql('drop table if exists `code_fts`;');
  }
}
