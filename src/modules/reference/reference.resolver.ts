import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Arg, Authorized, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import { Roles } from '../../auth/principal';
import type { RequestContext } from '../../server/context';
import { ImportRefusedError } from './import/errors';
import { EditSetting, ReferenceKind, ReferenceRelease } from './reference.entities';
import { ImportReferenceFileInput, ImportReferenceFilePayload, ImportStatus } from './reference.inputs';

@Resolver(() => ReferenceRelease)
export class ReferenceResolver {
  @Authorized(...Roles.ANY)
  @Query(() => [ReferenceRelease], { description: 'Loaded reference releases, newest first within each kind.' })
  referenceReleases(
    @Arg('kind', () => ReferenceKind, { nullable: true }) kind: ReferenceKind | null,
    @Arg('setting', () => EditSetting, { nullable: true }) setting: EditSetting | null,
    @Ctx() ctx: RequestContext,
  ): Promise<ReferenceRelease[]> {
    return ctx.services.reference.releases({ kind, setting });
  }

  @Authorized(...Roles.COMPLIANCE)
  @Mutation(() => ImportReferenceFilePayload, { description: 'Load a published reference file as one release (all or nothing).' })
  async importReferenceFile(@Arg('input', () => ImportReferenceFileInput) input: ImportReferenceFileInput, @Ctx() ctx: RequestContext): Promise<ImportReferenceFilePayload> {
    const upload = await input.file;
    // Importers read the file name (fiscal year, quarter): keep it, without any directory part.
    const dir = mkdtempSync(join(tmpdir(), 'claimflow-upload-'));
    const path = join(dir, basename(upload.filename).replace(/[^A-Za-z0-9._-]/g, '_') || 'upload');
    try {
      await pipeline(upload.createReadStream(), createWriteStream(path));
      const result = await ctx.services.reference.importFile(input.kind, path, {
        skipBad: input.skipBad ?? false,
        fiscalYear: input.fiscalYear ?? undefined,
        effectiveFrom: input.effectiveFrom ?? undefined,
        setting: input.setting ?? undefined,
      });
      return {
        status: result.alreadyImported ? ImportStatus.ALREADY_IMPORTED : ImportStatus.IMPORTED,
        release: result.release,
        rowsRead: result.rowsRead,
        ...result.counts,
        problems: result.problems.map((p) => ({ line: p.line, field: p.field, message: p.message })),
        message: null,
      };
    } catch (err) {
      if (!(err instanceof ImportRefusedError)) throw err;
      return {
        status: ImportStatus.REFUSED,
        release: null,
        rowsRead: 0,
        added: 0,
        changed: 0,
        retired: 0,
        problems: err.problems.length ? err.problems.map((p) => ({ line: p.line, field: p.field, message: p.message })) : [{ line: null, field: null, message: err.message }],
        message: err.message.split('\n')[0] ?? null,
      };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
}
