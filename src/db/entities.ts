import { Claim, ClaimDiagnosis, ClaimHistory, ClaimLine } from '../modules/claim/claim.entity';
import { Code } from '../modules/code/code.entity';
import { Coverage } from '../modules/coverage/coverage.entity';
import { Encounter, EncounterDiagnosis, EncounterLine } from '../modules/encounter/encounter.entity';
import { Patient } from '../modules/patient/patient.entity';
import { Payer } from '../modules/payer/payer.entity';
import { Provider } from '../modules/provider/provider.entity';
import { ClaimFinding, ClaimScrub } from '../modules/scrub/scrub.entity';
import { Denial } from '../modules/denial/denial.entity';
import { DenialHistory } from '../modules/denial/denial-history.entity';
import { SubmissionBatch, SubmissionBatchClaim, X12ControlCounter } from '../modules/submission/submission.entity';
import { Adjustment, ClaimPayment, ProviderAdjustment, Remittance, ServicePayment } from '../modules/remittance/remittance.entity';
import { AuditEvent } from '../modules/audit/audit.entity';
import { ArticleDiagnosis, ArticleProcedure, CodeEdit, MueLimit, NcciPtpEdit, ReferenceRelease } from '../modules/reference/reference.entities';

/** Every persisted entity. A new entity is added here and gets a migration for both dialects. */
export const ENTITIES = [
  Patient,
  Payer,
  Coverage,
  Provider,
  Code,
  Encounter,
  EncounterDiagnosis,
  EncounterLine,
  Claim,
  ClaimDiagnosis,
  ClaimLine,
  ClaimHistory,
  ReferenceRelease,
  NcciPtpEdit,
  MueLimit,
  CodeEdit,
  ArticleProcedure,
  ArticleDiagnosis,
  ClaimScrub,
  ClaimFinding,
  Denial,
  DenialHistory,
  SubmissionBatch,
  SubmissionBatchClaim,
  X12ControlCounter,
  Remittance,
  ClaimPayment,
  ServicePayment,
  Adjustment,
  ProviderAdjustment,
  AuditEvent,
];
