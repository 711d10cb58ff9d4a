import DataLoader from 'dataloader';
import type { EntityManager, EntityName, FilterQuery, QueryOrderMap } from '@mikro-orm/core';
import { UUID_PATTERN } from '../common/ids';
import { Claim, ClaimDiagnosis, ClaimHistory, ClaimLine } from '../modules/claim/claim.entity';
import { Coverage } from '../modules/coverage/coverage.entity';
import { Encounter, EncounterDiagnosis, EncounterLine } from '../modules/encounter/encounter.entity';
import { Patient } from '../modules/patient/patient.entity';
import { Payer } from '../modules/payer/payer.entity';
import { Provider } from '../modules/provider/provider.entity';
import { latestScrubs } from '../modules/claim/claim.service';
import { ClaimFinding, type ClaimScrub } from '../modules/scrub/scrub.entity';
import { Adjustment, ClaimPayment, ProviderAdjustment, Remittance, ServicePayment } from '../modules/remittance/remittance.entity';
import { Denial } from '../modules/denial/denial.entity';
import { DenialHistory } from '../modules/denial/denial-history.entity';

/**
 * One SELECT … WHERE id IN (…) per batch; missing ids resolve to null. Ids that are not UUIDs
 * (`claim(id: "abc")`) cannot exist and are not sent: PostgreSQL's uuid columns would refuse them.
 */
function byIdLoader<T extends { id: string }>(em: EntityManager, entity: EntityName<T>): DataLoader<string, T | null> {
  return new DataLoader(async (ids) => {
    const wellFormed = ids.filter((id) => UUID_PATTERN.test(id));
    const rows = wellFormed.length ? await em.find(entity, { id: { $in: wellFormed } } as unknown as FilterQuery<T>) : [];
    const byId = new Map(rows.map((r) => [r.id, r]));
    return ids.map((id) => byId.get(id) ?? null);
  });
}

/** One SELECT … WHERE <fk> IN (…) per batch, grouped by parent id and ordered within it. */
function childrenLoader<T extends object>(
  em: EntityManager,
  entity: EntityName<T>,
  foreignKey: keyof T & string,
  orderBy: QueryOrderMap<T>,
): DataLoader<string, T[]> {
  return new DataLoader(async (parentIds) => {
    const rows = await em.find(entity, { [foreignKey]: { $in: [...parentIds] } } as FilterQuery<T>, { orderBy });
    const grouped = new Map<string, T[]>(parentIds.map((id) => [id, []]));
    for (const row of rows) {
      const parent = (row[foreignKey] as unknown as { id: string }).id;
      grouped.get(parent)?.push(row);
    }
    return parentIds.map((id) => grouped.get(id) ?? []);
  });
}

/** Per-request DataLoaders: every nested edge of the schema resolves through one of these. */
export function createLoaders(em: EntityManager) {
  return {
    patientById: byIdLoader(em, Patient),
    payerById: byIdLoader(em, Payer),
    coverageById: byIdLoader(em, Coverage),
    providerById: byIdLoader(em, Provider),
    encounterById: byIdLoader(em, Encounter),
    claimById: byIdLoader(em, Claim),
    coveragesByPatientId: childrenLoader(em, Coverage, 'patient', { order: 'asc', id: 'asc' }),
    encounterDiagnosesByEncounterId: childrenLoader(em, EncounterDiagnosis, 'encounter', { position: 'asc' }),
    encounterLinesByEncounterId: childrenLoader(em, EncounterLine, 'encounter', { lineNumber: 'asc' }),
    claimDiagnosesByClaimId: childrenLoader(em, ClaimDiagnosis, 'claim', { position: 'asc' }),
    claimLinesByClaimId: childrenLoader(em, ClaimLine, 'claim', { lineNumber: 'asc' }),
    claimHistoryByClaimId: childrenLoader(em, ClaimHistory, 'claim', { at: 'asc', id: 'asc' }),
    claimsByEncounterId: childrenLoader(em, Claim, 'encounter', { id: 'asc' }),
    latestScrubByClaimId: new DataLoader<string, ClaimScrub | null>(async (ids) => {
      const latest = await latestScrubs(em, ids);
      return ids.map((id) => latest.get(id) ?? null);
    }),
    findingsByScrubId: childrenLoader(em, ClaimFinding, 'scrub', { severity: 'asc', line: 'asc', ruleId: 'asc' }),
    // Denials (src/modules/denial).
    denialById: byIdLoader(em, Denial),
    denialHistoryByDenialId: childrenLoader(em, DenialHistory, 'denial', { at: 'asc', id: 'asc' }),
    // 835 remittances (src/modules/remittance).
    remittanceById: byIdLoader(em, Remittance),
    // An import payload can list every claim payment of a large file: at most 1,000 ids per query.
    claimPaymentById: new DataLoader<string, ClaimPayment | null>(
      async (ids) => {
        const rows = await em.find(ClaimPayment, { id: { $in: ids.filter((id) => UUID_PATTERN.test(id)) } });
        const byId = new Map(rows.map((r) => [r.id, r]));
        return ids.map((id) => byId.get(id) ?? null);
      },
      { maxBatchSize: 1000 },
    ),
    claimLineById: byIdLoader(em, ClaimLine),
    claimPaymentsByRemittanceId: childrenLoader(em, ClaimPayment, 'remittance', { position: 'asc' }),
    claimPaymentsByClaimId: childrenLoader(em, ClaimPayment, 'claim', { id: 'asc' }),
    servicePaymentsByClaimPaymentId: childrenLoader(em, ServicePayment, 'claimPayment', { position: 'asc' }),
    adjustmentsByClaimPaymentId: childrenLoader(em, Adjustment, 'claimPayment', { position: 'asc', id: 'asc' }),
    adjustmentsByServicePaymentId: childrenLoader(em, Adjustment, 'servicePayment', { position: 'asc', id: 'asc' }),
    providerAdjustmentsByRemittanceId: childrenLoader(em, ProviderAdjustment, 'remittance', { position: 'asc', id: 'asc' }),
    denialsByClaimPaymentId: new DataLoader<string, Denial[]>(async (ids) => {
      const rows = await em.find(Denial, { claimPaymentId: { $in: [...ids] } }, { orderBy: { id: 'asc' } });
      const byPayment = new Map<string, Denial[]>(ids.map((id) => [id, []]));
      for (const d of rows) byPayment.get(d.claimPaymentId!)?.push(d);
      return ids.map((id) => byPayment.get(id) ?? []);
    }),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
