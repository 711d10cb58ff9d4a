import type { EntityManager } from '@mikro-orm/core';
import type { EditSetting, ReferenceKind, ReferenceRelease } from '../reference.entities';

export interface ImportOptions {
  /** Report and skip bad lines instead of refusing the whole file. */
  skipBad?: boolean;
  /** First date of service the file applies to, when the file does not say (e.g. MUE quarter). */
  effectiveFrom?: string;
  /** ICD-10-CM: the fiscal year (Oct 1 of the year before through Sep 30); else from the file name. */
  fiscalYear?: number;
  setting?: EditSetting;
  /** Who imports (token subject or OS user): recorded on the release. */
  actor: string;
  /** Called now and then with lines read so far (terminal progress). */
  onProgress?: (linesRead: number) => void;
}

export interface ImportCounts {
  added: number;
  changed: number;
  retired: number;
}

/** What a file covers, settled before any line is read. */
export interface ReleaseScope {
  effectiveFrom: string;
  effectiveTo: string | null;
  setting?: EditSetting | null;
}

export interface ImportContext {
  /** The transaction's EntityManager: everything the import writes goes through it. */
  em: EntityManager;
  release: ReferenceRelease;
  fileName: string;
  options: ImportOptions;
}

/**
 * One CMS layout. The runner streams lines to `parse`, hands batches of rows to `load`, then
 * calls `finish` — all inside one transaction, so a refused import leaves nothing behind.
 */
export interface Importer<Row> {
  kind: ReferenceKind;
  /** Text encoding of the published file. */
  encoding?: BufferEncoding;
  /** Dates and setting the file covers; throw ImportRefusedError when options are missing. */
  scope(fileName: string, options: ImportOptions): ReleaseScope;
  /** A header line to pass over (checked only where it could be one). */
  isHeader?(line: string, lineNo: number): boolean;
  /** One data line → a row, or null for a line with nothing on it. Throw FieldError when bad. */
  parse(line: string, lineNo: number): Row | null;
  /** Rows per `load` call (default 1000). */
  batchSize?: number;
  load(ctx: ImportContext, rows: Row[]): Promise<void>;
  finish(ctx: ImportContext): Promise<ImportCounts>;
}
