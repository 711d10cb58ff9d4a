import type { EntityManager } from '@mikro-orm/core';
import type { ServiceContext } from '../../server/context';
import { ClaimFrequency } from '../claim/claim-status';
import { Claim, ClaimDiagnosis, ClaimHistory, ClaimHistoryAction, ClaimLine } from '../claim/claim.entity';
import { generatePatientControlNumber } from '../claim/claim.service';

/**
 * A DRAFT copy of a remitted claim as a replacement (frequency 7) or a void (frequency 8) of it
 * (005010X222A1 loop 2300 CLM05-3): same patient, coverage, providers, dates, diagnoses and
 * lines; REF*F8 carries the original's payer claim control number (835 CLP07), and
 * originalClaim links back. It gets its own patient control number (CLM01) and line control
 * numbers (REF*6R), so its 835 is matched to it and not to the original.
 *
 * The copy is recorded in ClaimHistory as CREATED, like any claim. Corrections are applied
 * afterwards through ClaimService.update, so the claim's history names the fields the rework
 * changed.
 */
export async function copyClaimAs(ctx: ServiceContext, original: Claim, frequency: ClaimFrequency.REPLACEMENT | ClaimFrequency.VOID): Promise<Claim> {
  const em: EntityManager = ctx.em;
  // `original` may belong to another EntityManager (a read-only one): relations are set by id.
  const [diagnoses, lines] = await Promise.all([original.diagnoses.loadItems(), original.lines.loadItems()]);
  const copy = em.create(Claim, {
    patient: original.patient.id,
    payer: original.payer.id,
    coverage: original.coverage.id,
    encounter: original.encounter?.id ?? null,
    billingProvider: original.billingProvider.id,
    renderingProvider: original.renderingProvider?.id ?? null,
    originalClaim: original.id,
    patientControlNumber: generatePatientControlNumber(),
    frequency,
    payerClaimNumber: original.payerClaimNumber,
    priorAuthNumber: original.priorAuthNumber ?? null,
    placeOfService: original.placeOfService,
    serviceDateFrom: original.serviceDateFrom,
    serviceDateTo: original.serviceDateTo,
    totalChargeCents: original.totalChargeCents,
  });
  for (const d of [...diagnoses].sort((a, b) => a.position - b.position)) copy.diagnoses.add(em.create(ClaimDiagnosis, { claim: copy, position: d.position, code: d.code }));
  for (const l of [...lines].sort((a, b) => a.lineNumber - b.lineNumber)) {
    copy.lines.add(
      em.create(ClaimLine, {
        claim: copy,
        lineNumber: l.lineNumber,
        procedureCode: l.procedureCode,
        modifiers: [...l.modifiers],
        units: l.units,
        chargeCents: l.chargeCents,
        diagnosisPointers: [...l.diagnosisPointers],
        serviceDate: l.serviceDate,
        lineControlNumber: `${copy.patientControlNumber}-${l.lineNumber}`,
      }),
    );
  }
  em.persist(
    em.create(ClaimHistory, {
      claim: copy,
      action: ClaimHistoryAction.CREATED,
      changedFields: ['*'],
      claimVersion: 1,
      actor: ctx.principal.sub,
      actorRole: ctx.principal.role,
      requestId: ctx.requestId,
    }),
  );
  await em.flush();
  ctx.logger.info({ claimId: copy.id, originalClaimId: original.id, frequency }, frequency === ClaimFrequency.VOID ? 'void claim created' : 'replacement claim created');
  return copy;
}
