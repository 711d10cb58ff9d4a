import { Migration } from '@mikro-orm/migrations';

/**
 * Word search over code descriptions: a stored text-search vector of the descriptions (the
 * 'simple' configuration: lower-cased words, no stemming, no stop words — codes' wording is
 * clinical, not English prose) with a GIN index. Stored, so checking a candidate row does not
 * re-parse its description: common words match tens of thousands of ICD-10-CM codes.
 * Hand-written: the ORM does not model generated columns or GIN indexes, and `claimflow migrate
 * check` leaves them out.
 */
export class Migration20261122092000_code_search extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `alter table "code" add column "code_search_words" tsvector generated always as (to_tsvector('simple'::regconfig, coalesce("short_description", '') || ' ' || coalesce("long_description", ''))) stored;`,
    );
    this.addSql(`create index "code_search_words_index" on "code" using gin ("code_search_words");`);
  }

  override async down(): Promise<void> {
    this.addSql('drop index if exists "code_search_words_index";');
    this.addSql('alter table "code" drop column if exists "code_search_words";');
  }
}
