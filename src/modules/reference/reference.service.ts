import type { FilterQuery } from '@mikro-orm/core';
import { ForbiddenError } from '../../common/errors';
import { Role } from '../../common/enums';
import type { ServiceContext } from '../../server/context';
import { importerFor } from './importers';
import { invalidateNcciLookups } from './lookups/ncci';
import { runImport, type ImportResult } from './import/runner';
import type { ImportOptions } from './import/types';
import { ReferenceRelease, type EditSetting, type ReferenceKind } from './reference.entities';

/** Who may load reference data: it decides what every scrub accepts. */
export const IMPORT_ROLES: readonly Role[] = [Role.ADMIN, Role.COMPLIANCE];

export class ReferenceService {
  constructor(private readonly ctx: ServiceContext) {}

  /** Imports one file as a release (see runImport). The caller's role is checked here too. */
  async importFile(kind: ReferenceKind, path: string, options: Omit<ImportOptions, 'actor'>): Promise<ImportResult> {
    if (!IMPORT_ROLES.includes(this.ctx.principal.role)) throw new ForbiddenError(IMPORT_ROLES);
    const result = await runImport(this.ctx.em, importerFor(kind), path, { ...options, actor: this.ctx.principal.sub });
    // Cached NCCI/MUE answers must not outlive the release they came from (after the commit, too).
    if (!result.alreadyImported) {
      invalidateNcciLookups();
      // A bulk load leaves the planner's statistics stale; fresh ones roughly halved code-search
      // times on a newly loaded ICD-10-CM table in test/bench (target c; runs vary).
      await this.ctx.em.getConnection().execute('analyze');
    }
    this.ctx.logger.info(
      { kind, releaseId: result.release.id, alreadyImported: result.alreadyImported, rowsRead: result.rowsRead, ...result.counts, skipped: result.problems.length },
      'reference import',
    );
    return result;
  }

  releases(filter: { kind?: ReferenceKind | null; setting?: EditSetting | null } = {}): Promise<ReferenceRelease[]> {
    const where: FilterQuery<ReferenceRelease> = {};
    if (filter.kind) where.kind = filter.kind;
    if (filter.setting) where.setting = filter.setting;
    return this.ctx.em.find(ReferenceRelease, where, { orderBy: { kind: 'asc', effectiveFrom: 'desc' } });
  }
}
