import { CodeSystem } from '../modules/code/code.entity';

/**
 * A small demo code table, written by hand. ICD-10-CM, HCPCS Level II and place-of-service
 * texts are US Government works (CDC/NCHS, CMS). CPT codes and CPT modifiers carry NO
 * description: CPT descriptors are AMA-copyrighted and this product ships none.
 * Full code sets come from `claimflow import` (reference-data issue).
 */
export interface DemoCode {
  system: CodeSystem;
  code: string;
  shortDescription?: string;
  billable?: boolean;
  effectiveFrom: string;
  effectiveTo?: string;
}

/** ICD-10-CM took effect in the US on 2015-10-01. */
const ICD10_START = '2015-10-01';
const LONG_AGO = '2000-01-01';

const icd = (code: string, text: string, extra: Partial<DemoCode> = {}): DemoCode => ({
  system: CodeSystem.ICD10CM,
  code,
  shortDescription: text,
  effectiveFrom: ICD10_START,
  ...extra,
});
const cpt = (code: string, extra: Partial<DemoCode> = {}): DemoCode => ({ system: CodeSystem.CPT, code, effectiveFrom: LONG_AGO, ...extra });
const hcpcs = (code: string, text: string): DemoCode => ({ system: CodeSystem.HCPCS, code, shortDescription: text, effectiveFrom: LONG_AGO });
const modifier = (code: string, text?: string): DemoCode => ({ system: CodeSystem.MODIFIER, code, shortDescription: text, effectiveFrom: LONG_AGO });
const pos = (code: string, text: string): DemoCode => ({ system: CodeSystem.POS, code, shortDescription: text, effectiveFrom: LONG_AGO });

export const DEMO_CODES: DemoCode[] = [
  icd('E11', 'Type 2 diabetes mellitus', { billable: false }),
  icd('E119', 'Type 2 diabetes mellitus without complications'),
  icd('E1165', 'Type 2 diabetes mellitus with hyperglycemia'),
  icd('E785', 'Hyperlipidemia, unspecified'),
  icd('I10', 'Essential (primary) hypertension'),
  icd('J069', 'Acute upper respiratory infection, unspecified'),
  icd('J45909', 'Unspecified asthma, uncomplicated'),
  icd('N390', 'Urinary tract infection, site not specified'),
  icd('R0600', 'Dyspnea, unspecified'),
  // FY2022 (2021-10-01) split M54.5 and R05 into more specific codes: the old ones end there.
  icd('M545', 'Low back pain', { effectiveTo: '2021-09-30' }),
  icd('M5450', 'Low back pain, unspecified', { effectiveFrom: '2021-10-01' }),
  icd('R05', 'Cough', { effectiveTo: '2021-09-30' }),
  icd('R059', 'Cough, unspecified', { effectiveFrom: '2021-10-01' }),
  icd('M1711', 'Unilateral primary osteoarthritis, right knee'),
  icd('M1712', 'Unilateral primary osteoarthritis, left knee'),
  // Lumbar radiculopathy and stenosis: the demo commercial payer's MRI policy names them.
  icd('M5416', 'Radiculopathy, lumbar region'),
  icd('M5417', 'Radiculopathy, lumbosacral region'),
  icd('M48061', 'Spinal stenosis, lumbar region without neurogenic claudication', { effectiveFrom: '2017-10-01' }),
  icd('M48062', 'Spinal stenosis, lumbar region with neurogenic claudication', { effectiveFrom: '2017-10-01' }),
  icd('Z0000', 'Encounter for general adult medical examination without abnormal findings'),
  icd('Z23', 'Encounter for immunization'),
  icd('Z1231', 'Encounter for screening mammogram for malignant neoplasm of breast'),

  // Office/outpatient E/M: 99201 was deleted from CPT on 2021-01-01.
  cpt('99201', { effectiveTo: '2020-12-31' }),
  ...['99202', '99203', '99204', '99205', '99211', '99212', '99213', '99214', '99215'].map((c) => cpt(c)),
  ...['99385', '99386', '99395', '99396', '36415', '81002', '82962', '83036', '85025', '80053', '80061', '93000', '71046', '73562', '20610', '90471', '90686', '97110', '11102', '77067', '72148', '70551', '29881', '27447'].map((c) => cpt(c)),

  hcpcs('G0008', 'Admin influenza virus vac'),
  hcpcs('G0439', 'Ppps, subseq visit'),
  hcpcs('J1100', 'Dexamethasone sodium phos'),
  hcpcs('J3301', 'Triamcinolone acet inj nos'),
  hcpcs('A4253', 'Blood glucose/reagent strips'),
  hcpcs('E0114', 'Crutch underarm pair no wood'),
  hcpcs('L1830', 'Ko immob canvas longitudinal'),

  // CPT modifiers: numbers only.
  ...['24', '25', '26', '50', '57', '58', '59', '76', '77', '78', '79', '91', '95'].map((c) => modifier(c)),
  modifier('XE', 'Separate encounter'),
  modifier('XP', 'Separate practitioner'),
  modifier('XS', 'Separate structure'),
  modifier('XU', 'Unusual non-overlap service'),
  modifier('LT', 'Left side'),
  modifier('RT', 'Right side'),
  modifier('TC', 'Technical component'),
  modifier('GA', 'Waiver of liability statement issued as required by payer policy, individual case'),
  modifier('GY', 'Item or service statutorily excluded, does not meet the definition of any medicare benefit'),
  modifier('GZ', 'Item or service expected to be denied as not reasonable and necessary'),
  modifier('KX', 'Requirements specified in the medical policy have been met'),

  pos('02', 'Telehealth provided other than in patient’s home'),
  pos('10', 'Telehealth provided in patient’s home'),
  pos('11', 'Office'),
  pos('12', 'Home'),
  pos('19', 'Off campus-outpatient hospital'),
  pos('20', 'Urgent care facility'),
  pos('21', 'Inpatient hospital'),
  pos('22', 'On campus-outpatient hospital'),
  pos('23', 'Emergency room – hospital'),
  pos('31', 'Skilled nursing facility'),
  pos('32', 'Nursing facility'),
  pos('81', 'Independent laboratory'),
];
