import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import type { EntityManager } from '@mikro-orm/core';
import { addDays } from '../../../common/dates';
import { ReferenceRelease } from '../reference.entities';
import { FieldError, ImportRefusedError, type LineProblem } from './errors';
import { readLines, sha256File } from './read-lines';
import type { ImportContext, ImportCounts, ImportOptions, Importer } from './types';

export interface ImportResult {
  release: ReferenceRelease;
  /** True when this exact file (same checksum) was imported before: nothing was done. */
  alreadyImported: boolean;
  rowsRead: number;
  counts: ImportCounts;
  /** Lines skipped with --skip-bad. */
  problems: LineProblem[];
}

/** Bad lines collected before giving up on a file that will be refused anyway. */
const MAX_PROBLEMS_WHEN_REFUSING = 100;

/**
 * Imports one file as one release, in one transaction: either the whole file lands (and the
 * release is recorded with its counts) or nothing changes. Re-importing a file with the same
 * checksum is a no-op; releases of one kind must arrive in date order.
 */
export async function runImport<Row>(em: EntityManager, importer: Importer<Row>, path: string, options: ImportOptions): Promise<ImportResult> {
  const fileName = basename(path);
  if (!existsSync(path)) throw new ImportRefusedError(`${fileName}: no such file`);
  const scope = importer.scope(fileName, options);
  const setting = scope.setting ?? null;
  const sha256 = await sha256File(path);
  const zero = { added: 0, changed: 0, retired: 0 };

  const same = await em.findOne(ReferenceRelease, { kind: importer.kind, setting, sha256 });
  if (same) return { release: same, alreadyImported: true, rowsRead: same.rowsRead, counts: zero, problems: [] };
  const newer = await em.findOne(ReferenceRelease, { kind: importer.kind, setting, effectiveFrom: { $gt: scope.effectiveFrom } });
  if (newer) {
    throw new ImportRefusedError(
      `${fileName}: a newer ${importer.kind}${setting ? ` ${setting}` : ''} release (${newer.fileName}, from ${newer.effectiveFrom}) is already loaded; import releases in date order`,
    );
  }

  return em.transactional(async (tem) => {
    const release = tem.create(ReferenceRelease, {
      kind: importer.kind,
      setting,
      fileName,
      sha256,
      effectiveFrom: scope.effectiveFrom,
      effectiveTo: scope.effectiveTo,
      importedBy: options.actor,
    });
    await tem.flush();
    const ctx: ImportContext = { em: tem, release, fileName, options };
    const problems: LineProblem[] = [];
    const batchSize = importer.batchSize ?? 1000;
    let batch: Row[] = [];
    let rowsRead = 0;
    let lastProgress = 0;

    for await (const { line, lineNo } of readLines(path, importer.encoding)) {
      if (line.trim() === '') continue;
      if (lineNo <= 5 && importer.isHeader?.(line, lineNo)) continue;
      let row: Row | null;
      try {
        // A NUL reaches the database as a driver error on both dialects (found by
        // test/fuzz/uploads.test.ts): a bad line, like any other unreadable field.
        if (line.includes('\u0000')) throw new FieldError('line', 'contains a NUL byte: is this a binary or UTF-16 file?');
        row = importer.parse(line, lineNo);
      } catch (err) {
        if (!(err instanceof FieldError)) throw err;
        problems.push({ file: fileName, line: lineNo, field: err.field, message: err.message });
        if (!options.skipBad && problems.length >= MAX_PROBLEMS_WHEN_REFUSING) break;
        continue;
      }
      if (row === null) continue;
      rowsRead++;
      batch.push(row);
      if (batch.length >= batchSize) {
        if (problems.length === 0 || options.skipBad) await importer.load(ctx, batch);
        batch = [];
      }
      if (options.onProgress && lineNo - lastProgress >= 10_000) {
        lastProgress = lineNo;
        options.onProgress(lineNo);
      }
    }
    if (problems.length > 0 && !options.skipBad) {
      throw new ImportRefusedError(`${fileName}: ${problems.length}${problems.length >= MAX_PROBLEMS_WHEN_REFUSING ? '+' : ''} bad line(s); nothing was imported (--skip-bad skips them)`, problems);
    }
    if (batch.length > 0) await importer.load(ctx, batch);
    if (rowsRead === 0) throw new ImportRefusedError(`${fileName}: no data lines; nothing was imported`);
    const counts = await importer.finish(ctx);

    // The previous open release of this kind ends the day before this one starts.
    const previous = await tem.find(ReferenceRelease, { kind: importer.kind, setting, effectiveTo: null, id: { $ne: release.id } });
    for (const p of previous) if (p.effectiveFrom < scope.effectiveFrom) p.effectiveTo = addDays(scope.effectiveFrom, -1);
    Object.assign(release, counts, { rowsRead, skipped: problems.length });
    await tem.flush();
    options.onProgress?.(-1);
    return { release, alreadyImported: false, rowsRead, counts, problems };
  });
}
