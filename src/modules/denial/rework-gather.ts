import type { EntityManager } from '@mikro-orm/core';
import { today, toLocalDate } from '../../common/dates';
import type { ReworkCase } from '../../rules-engine';
import { Claim, ClaimDiagnosis, ClaimLine } from '../claim/claim.entity';
import { Coverage } from '../coverage/coverage.entity';
import { Payer } from '../payer/payer.entity';
import type { Denial } from './denial.entity';

/**
 * The rework facts of a batch of denials, as plain data for the rules engine: the claims, their
 * lines and diagnoses, the payers and the patients' coverages, in five queries whatever the batch
 * size (a page of the work queue asking for recommendations costs the same for 5 or 50 rows).
 * No patient identifier leaves here: only whether another coverage was in force.
 */
export async function gatherReworkCases(em: EntityManager, denials: readonly Denial[], on: string = today()): Promise<ReworkCase[]> {
  if (denials.length === 0) return [];
  const claimIds = [...new Set(denials.map((d) => d.claim.id))];
  const payerIds = [...new Set(denials.map((d) => d.payer.id))];
  const claims = await em.find(Claim, { id: { $in: claimIds } });
  const patientIds = [...new Set(claims.map((c) => c.patient.id))];
  const [lines, diagnoses, payers, coverages] = await Promise.all([
    em.find(ClaimLine, { claim: { $in: claimIds } }, { orderBy: { lineNumber: 'asc' } }),
    em.find(ClaimDiagnosis, { claim: { $in: claimIds } }, { orderBy: { position: 'asc' } }),
    em.find(Payer, { id: { $in: payerIds } }),
    em.find(Coverage, { patient: { $in: patientIds } }),
  ]);
  const claimById = new Map(claims.map((c) => [c.id, c]));
  const payerById = new Map(payers.map((p) => [p.id, p]));
  const group = <T extends { claim: { id: string } }>(rows: T[]) => {
    const m = new Map<string, T[]>();
    for (const r of rows) m.set(r.claim.id, [...(m.get(r.claim.id) ?? []), r]);
    return m;
  };
  const linesByClaim = group(lines);
  const dxByClaim = group(diagnoses);

  return denials.map((d) => {
    const claim = claimById.get(d.claim.id)!;
    const payer = payerById.get(d.payer.id)!;
    const from = toLocalDate(claim.serviceDateFrom);
    const otherCoverageActive = coverages.some(
      (c) => c.patient.id === claim.patient.id && c.id !== claim.coverage.id && c.payer.id !== claim.payer.id && c.isActiveOn(from),
    );
    return {
      today: on,
      denial: {
        groupCode: d.groupCode,
        carc: d.carc,
        rarcs: d.rarcs,
        amountCents: d.amountCents,
        scenario: d.scenario,
        reasonClass: d.reasonClass,
        deniedOn: toLocalDate(d.deniedOn),
        appealDeadline: d.appealDeadline ? toLocalDate(d.appealDeadline) : null,
        lineNumber: d.lineNumber ?? null,
        predictedByRuleId: d.predictedByRuleId ?? null,
      },
      claim: {
        status: claim.status,
        frequency: claim.frequency,
        payerClaimNumber: claim.payerClaimNumber ?? null,
        priorAuthNumber: claim.priorAuthNumber ?? null,
        placeOfService: claim.placeOfService,
        serviceDateFrom: from,
        totalChargeCents: claim.totalChargeCents,
        diagnoses: (dxByClaim.get(claim.id) ?? []).map((x) => x.code),
        lines: (linesByClaim.get(claim.id) ?? []).map((l) => ({ lineNumber: l.lineNumber, code: l.procedureCode, modifiers: l.modifiers, units: l.units, diagnosisPointers: l.diagnosisPointers })),
      },
      payer: { ruleSetKey: payer.ruleSetKey ?? null, claimFilingIndicator: payer.claimFilingIndicator, timelyFilingDays: payer.timelyFilingDays },
      otherCoverageActive,
    };
  });
}
