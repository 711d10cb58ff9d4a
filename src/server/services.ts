import { ClaimService } from '../modules/claim/claim.service';
import { DenialService } from '../modules/denial/denial.service';
import { CodeService } from '../modules/code/code.service';
import { CoverageService } from '../modules/coverage/coverage.service';
import { EncounterService } from '../modules/encounter/encounter.service';
import { PatientService } from '../modules/patient/patient.service';
import { PayerService } from '../modules/payer/payer.service';
import { ProviderService } from '../modules/provider/provider.service';
import { ReferenceService } from '../modules/reference/reference.service';
import { ScrubService } from '../modules/scrub/scrub.service';
import { SubmissionService } from '../modules/submission/export.service';
import { ClaimImportService } from '../modules/submission/import.service';
import { RemittanceService } from '../modules/remittance/remittance.service';
import type { ServiceContext } from './context';

/** Services bound to one caller's context. Cheap to build: they hold no state of their own. */
export function createServices(ctx: ServiceContext) {
  return {
    patients: new PatientService(ctx),
    payers: new PayerService(ctx),
    coverages: new CoverageService(ctx),
    providers: new ProviderService(ctx),
    codes: new CodeService(ctx),
    encounters: new EncounterService(ctx),
    claims: new ClaimService(ctx),
    reference: new ReferenceService(ctx),
    scrubs: new ScrubService(ctx),
    denials: new DenialService(ctx),
    submissions: new SubmissionService(ctx),
    claimImports: new ClaimImportService(ctx),
    remittances: new RemittanceService(ctx),
  };
}

export type Services = ReturnType<typeof createServices>;
