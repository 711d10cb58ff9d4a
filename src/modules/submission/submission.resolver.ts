import { GraphQLUpload, type FileUpload } from 'graphql-upload-minimal';
import { Arg, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Roles } from '../../auth/principal';
import { IssueCollector } from '../../common/errors';
import { findById } from '../../common/find';
import type { RequestContext } from '../../server/context';
import { Claim } from '../claim/claim.entity';
import { SubmissionBatch } from './submission.entity';
import { ImportClaimsPayload, type ImportClaimsStatus } from './submission.types';

async function readUpload(upload: Promise<FileUpload>): Promise<Buffer> {
  const file = await upload;
  const chunks: Buffer[] = [];
  for await (const chunk of file.createReadStream()) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

@Resolver(() => SubmissionBatch)
export class SubmissionResolver {
  @Authorized(...Roles.BILLING)
  @Query(() => SubmissionBatch, { nullable: true, description: 'An 837P batch produced by submitClaims (its X12 holds PHI: billers and admins only).' })
  submissionBatch(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestContext): Promise<SubmissionBatch | null> {
    return findById(ctx.em, SubmissionBatch, id);
  }

  @Authorized(...Roles.BILLING)
  @Mutation(() => ImportClaimsPayload, {
    description:
      'Import a 5010 837P file: patients, providers, payers, coverages and claims, each claim then scrubbed (moved to READY when clean). ' +
      'Send the text as `x12` (JSON bodies are limited to CLAIMFLOW_BODY_LIMIT, 1mb by default) or larger files as `file` in a GraphQL multipart request ' +
      '(header apollo-require-preflight: true). A file that is not well-formed 837P is REFUSED with the segment position and reason, and nothing is written.',
  })
  async importClaims(
    @Ctx() ctx: RequestContext,
    @Arg('x12', () => String, { nullable: true, description: 'The file content.' }) x12?: string | null,
    @Arg('file', () => GraphQLUpload, { nullable: true, description: 'The file, as a multipart upload (UTF-8 or UTF-16).' }) file?: Promise<FileUpload> | null,
    @Arg('ruleSetKey', () => String, { nullable: true, description: 'Rule set for the payers this import creates (e.g. "demo-commercial"); without one their claims stay DRAFT.' }) ruleSetKey?: string | null,
  ): Promise<ImportClaimsPayload> {
    const issues = new IssueCollector();
    if ((x12 == null) === (file == null)) issues.add('x12', 'ONE_OF', 'send the 837P either as x12 (text) or as file (upload), not both or neither');
    issues.throwIfAny();
    const input = file ? await readUpload(file) : x12!;
    const result = await ctx.services.claimImports.importX12(input, { ruleSetKey });
    return Object.assign(new ImportClaimsPayload(), { ...result, status: result.status as ImportClaimsStatus });
  }

  // Nullable: it holds PHI, and a role without access gets null plus an error (src/auth/phi.ts).
  @FieldResolver(() => String, { nullable: true, description: 'The 837P text exactly as produced (PHI: BILLER, ADMIN).' })
  x12(@Root() batch: SubmissionBatch, @Ctx() ctx: RequestContext): Promise<string | null> {
    return ctx.services.submissions.x12Of(batch);
  }

  @FieldResolver(() => [Claim], { description: 'The claims the batch carries.' })
  claims(@Root() batch: SubmissionBatch, @Ctx() ctx: RequestContext): Promise<Claim[]> {
    return ctx.services.submissions.claimsOf(batch.id);
  }
}
