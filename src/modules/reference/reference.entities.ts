import { Entity, Enum, Index, ManyToOne, PrimaryKey, Property, type Opt, type Ref, DateTimeType } from '@mikro-orm/core';
import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { uuidv7 } from '../../common/ids';
import { LocalDateScalar } from '../../common/scalars';

/** The published files claimflow imports, each in CMS's own layout. */
export enum ReferenceKind {
  /** CDC/CMS ICD-10-CM order file (fixed width), one fiscal year. */
  ICD10CM = 'ICD10CM',
  /** ICD-10-CM order-file addenda: Add / Delete / Revise between two fiscal years. */
  ICD10CM_ADDENDA = 'ICD10CM_ADDENDA',
  /** CMS HCPCS Level II alpha-numeric file (ANWEB) as CSV: codes and modifiers. */
  HCPCS = 'HCPCS',
  /** CMS place-of-service code set (CSV: code, name, description). */
  POS = 'POS',
  /** CPT code numbers from a file the user supplies (descriptions optional; none ship). */
  CPT = 'CPT',
  /** NCCI procedure-to-procedure edits (tab-delimited), practitioner or outpatient hospital. */
  NCCI_PTP = 'NCCI_PTP',
  /** NCCI medically unlikely edits, practitioner / outpatient hospital / DME. */
  MUE = 'MUE',
  /** CMS Medicare Code Editor age and sex edits for diagnoses. */
  MCE = 'MCE',
  /** Medicare coverage database billing-and-coding article CSVs. */
  COVERAGE_ARTICLE = 'COVERAGE_ARTICLE',
}
registerEnumType(ReferenceKind, { name: 'ReferenceKind', description: 'A kind of published reference file claimflow imports.' });

/** NCCI and MUE tables come per care setting. */
export enum EditSetting {
  PRACTITIONER = 'PRACTITIONER',
  OUTPATIENT = 'OUTPATIENT',
  DME = 'DME',
}
registerEnumType(EditSetting, { name: 'EditSetting', description: 'Which NCCI/MUE table: practitioner services, outpatient hospital services, or DME suppliers.' });

/**
 * One imported file. Every scrub names the releases it used, so a finding can always be traced
 * to the exact file (by checksum) and the dates it covers.
 */
@ObjectType({ description: 'One imported reference file: what, which dates it covers, and what the import changed.' })
@Entity({ tableName: 'reference_release' })
@Index({ properties: ['kind', 'setting', 'effectiveFrom'] })
export class ReferenceRelease {
  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string = uuidv7();

  @Field(() => ReferenceKind)
  @Enum({ items: () => ReferenceKind })
  kind!: ReferenceKind;

  @Field(() => EditSetting, { nullable: true })
  @Enum({ items: () => EditSetting, nullable: true })
  setting?: EditSetting | null;

  @Field(() => String, { description: 'File name as imported (no directory).' })
  @Property({ type: 'string', length: 255 })
  fileName!: string;

  @Field(() => String, { description: 'SHA-256 of the file: re-importing the same bytes changes nothing.' })
  @Property({ type: 'string', length: 64 })
  sha256!: string;

  @Field(() => LocalDateScalar, { description: 'First date of service this release covers.' })
  @Property({ type: 'date' })
  effectiveFrom!: string;

  @Field(() => LocalDateScalar, { nullable: true, description: 'Last date of service it covers; null while it is the newest.' })
  @Property({ type: 'date', nullable: true })
  effectiveTo?: string | null;

  @Field(() => Date)
  @Property({ type: DateTimeType })
  importedAt: Date & Opt = new Date();

  @Field(() => String)
  @Property({ type: 'string', length: 100 })
  importedBy!: string;

  @Field(() => Int)
  @Property({ type: 'integer' })
  rowsRead: number & Opt = 0;

  @Field(() => Int)
  @Property({ type: 'integer' })
  added: number & Opt = 0;

  @Field(() => Int)
  @Property({ type: 'integer' })
  changed: number & Opt = 0;

  @Field(() => Int)
  @Property({ type: 'integer' })
  retired: number & Opt = 0;

  @Field(() => Int, { description: 'Bad lines skipped with --skip-bad.' })
  @Property({ type: 'integer' })
  skipped: number & Opt = 0;
}

/**
 * An NCCI procedure-to-procedure edit row: column 2 is not separately payable with column 1 for
 * the same patient, provider and date of service, within [effectiveFrom, effectiveTo].
 * Layout and semantics: CMS "NCCI PTP Edits" quarterly files, README section "File Format".
 */
@Entity({ tableName: 'ncci_ptp_edit' })
@Index({ properties: ['setting', 'column1', 'column2'] })
export class NcciPtpEdit {
  @PrimaryKey({ type: 'bigint', autoincrement: true })
  id!: string & Opt;

  @Enum({ items: () => EditSetting })
  setting!: EditSetting;

  @Property({ type: 'string', length: 5 })
  column1!: string;

  @Property({ type: 'string', length: 5 })
  column2!: string;

  /** "In existence prior to 1996" flag from the file. */
  @Property({ type: 'boolean' })
  prior1996!: boolean;

  @Property({ type: 'date' })
  effectiveFrom!: string;

  /** The day before the file's deletion date; null when the edit is in force ("*"). */
  @Property({ type: 'date', nullable: true })
  effectiveTo?: string | null;

  /** 0 not allowed with any modifier; 1 allowed with an NCCI-associated modifier; 9 not applicable. */
  @Property({ type: 'string', length: 1 })
  modifierIndicator!: string;

  @Property({ type: 'string', length: 200, nullable: true })
  rationale?: string | null;

  @ManyToOne(() => ReferenceRelease, { ref: true, deleteRule: 'cascade' })
  release!: Ref<ReferenceRelease>;
}

/**
 * A medically unlikely edit: the most units of a code one provider reports for one patient on
 * one date of service. MAI 1 per line, 2 per day (policy), 3 per day (clinical).
 * Layout: CMS "MCR_MUE_<Setting>Services_Eff_<date>" CSV files.
 */
@Entity({ tableName: 'mue_limit' })
@Index({ properties: ['setting', 'code'] })
export class MueLimit {
  @PrimaryKey({ type: 'bigint', autoincrement: true })
  id!: string & Opt;

  @Enum({ items: () => EditSetting })
  setting!: EditSetting;

  @Property({ type: 'string', length: 5 })
  code!: string;

  @Property({ type: 'integer' })
  units!: number;

  /** 1, 2 or 3 (MUE adjudication indicator). */
  @Property({ type: 'smallint' })
  adjudicationIndicator!: number;

  @Property({ type: 'string', length: 100, nullable: true })
  rationale?: string | null;

  @Property({ type: 'date' })
  effectiveFrom!: string;

  @Property({ type: 'date', nullable: true })
  effectiveTo?: string | null;

  @ManyToOne(() => ReferenceRelease, { ref: true, deleteRule: 'cascade' })
  release!: Ref<ReferenceRelease>;
}

/**
 * A Medicare Code Editor edit on a diagnosis (or ICD-10-PCS procedure) code: age ranges
 * (newborn 0, pediatric 0–17, maternity 9–64, adult 15–124 in MCE v37+) and sex restrictions.
 */
@Entity({ tableName: 'code_edit' })
@Index({ properties: ['code'] })
export class CodeEdit {
  @PrimaryKey({ type: 'bigint', autoincrement: true })
  id!: string & Opt;

  /** D = ICD-10-CM diagnosis, P = ICD-10-PCS procedure (MCE "ICD_Code_Type"). */
  @Property({ type: 'string', length: 1 })
  codeType!: string;

  @Property({ type: 'string', length: 8 })
  code!: string;

  /** The MCE edit name as published, e.g. Female_Only, Newborn_Only, Adult_Only. */
  @Property({ type: 'string', length: 40 })
  editType!: string;

  @Property({ type: 'smallint', nullable: true })
  ageMin?: number | null;

  @Property({ type: 'smallint', nullable: true })
  ageMax?: number | null;

  @Property({ type: 'string', length: 1, nullable: true })
  sex?: string | null;

  @Property({ type: 'date' })
  effectiveFrom!: string;

  @Property({ type: 'date', nullable: true })
  effectiveTo?: string | null;

  @ManyToOne(() => ReferenceRelease, { ref: true, deleteRule: 'cascade' })
  release!: Ref<ReferenceRelease>;
}

/** Article ↔ procedure group (CMS MCD download `article_x_hcpc_code`). */
@Entity({ tableName: 'article_procedure' })
@Index({ properties: ['hcpcCode'] })
export class ArticleProcedure {
  @PrimaryKey({ type: 'bigint', autoincrement: true })
  id!: string & Opt;

  @Property({ type: 'string', length: 20 })
  articleId!: string;

  @Property({ type: 'integer' })
  articleVersion!: number;

  @Property({ type: 'integer' })
  codeGroup!: number;

  @Property({ type: 'string', length: 5 })
  hcpcCode!: string;

  @ManyToOne(() => ReferenceRelease, { ref: true, deleteRule: 'cascade' })
  release!: Ref<ReferenceRelease>;
}

/** Article ↔ ICD-10 group that covers (or does not cover) it (`article_x_icd10_covered` / `_noncovered`). */
@Entity({ tableName: 'article_diagnosis' })
@Index({ properties: ['articleId', 'codeGroup'] })
export class ArticleDiagnosis {
  @PrimaryKey({ type: 'bigint', autoincrement: true })
  id!: string & Opt;

  @Property({ type: 'string', length: 20 })
  articleId!: string;

  @Property({ type: 'integer' })
  articleVersion!: number;

  @Property({ type: 'integer' })
  codeGroup!: number;

  @Property({ type: 'string', length: 8 })
  icd10Code!: string;

  /** True for `article_x_icd10_covered`, false for `article_x_icd10_noncovered`. */
  @Property({ type: 'boolean' })
  covered!: boolean;

  @ManyToOne(() => ReferenceRelease, { ref: true, deleteRule: 'cascade' })
  release!: Ref<ReferenceRelease>;
}
