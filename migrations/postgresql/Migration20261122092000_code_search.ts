import { Migration } from '@mikro-orm/migrations';

/**
 * Word search over code descriptions: a GIN index on the descriptions' text-search vector
 * (the 'simple' configuration: lower-cased words, no stemming, no stop words — codes' wording is
 * clinical, not English prose). Hand-written: the ORM does not model expression indexes, and
 * `claimflow migrate check` ignores this one. The search query repeats this exact expression.
 */
export class Migration20261122092000_code_search extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create index "code_search_words_index" on "code" using gin (to_tsvector('simple'::regconfig, coalesce("short_description", '') || ' ' || coalesce("long_description", '')));`,
    );
  }

  override async down(): Promise<void> {
    this.addSql('drop index if exists "code_search_words_index";');
  }
}
