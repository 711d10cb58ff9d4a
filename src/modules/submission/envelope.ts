import { FailedPreconditionError } from '../../common/errors';

/**
 * Who the 837P comes from and goes to (ISA/GS, 1000A submitter, 1000B receiver). These are trading
 * partner settings agreed with the clearinghouse, read from the environment:
 *
 * | variable | default | X12 |
 * |---|---|---|
 * | CLAIMFLOW_X12_SENDER_ID | CLAIMFLOW | ISA06, GS02, 1000A NM109 (ETIN) |
 * | CLAIMFLOW_X12_SENDER_QUALIFIER | ZZ | ISA05 |
 * | CLAIMFLOW_X12_RECEIVER_ID | CLEARINGHOUSE | ISA08, GS03, 1000B NM109 |
 * | CLAIMFLOW_X12_RECEIVER_QUALIFIER | ZZ | ISA07 |
 * | CLAIMFLOW_X12_SUBMITTER_NAME | CLAIMFLOW | 1000A NM103 |
 * | CLAIMFLOW_X12_RECEIVER_NAME | CLEARINGHOUSE | 1000B NM103 |
 * | CLAIMFLOW_X12_CONTACT_NAME | BILLING OFFICE | 1000A PER02 |
 * | CLAIMFLOW_X12_CONTACT_PHONE | 8005550100 | 1000A PER04 |
 * | CLAIMFLOW_X12_USAGE | T | ISA15: T test, P production |
 *
 * The defaults make test files (ISA15 = T); production submissions set all of them.
 */
export interface SubmissionSettings {
  senderQualifier: string;
  senderId: string;
  receiverQualifier: string;
  receiverId: string;
  submitterName: string;
  receiverName: string;
  contactName: string;
  contactPhone: string;
  usage: 'P' | 'T';
}

const ID = /^[A-Za-z0-9][A-Za-z0-9 .-]{0,14}$/;
const NAME = /^[A-Za-z0-9][A-Za-z0-9 .,&'-]{0,59}$/;

export function submissionSettings(env: NodeJS.ProcessEnv = process.env): SubmissionSettings {
  const read = (name: string, fallback: string, pattern: RegExp, hint: string): string => {
    const raw = env[name];
    const v = raw === undefined || raw.trim() === '' ? fallback : raw.trim();
    // The message names the variable, never its value.
    if (!pattern.test(v)) throw new FailedPreconditionError('X12_SETTINGS', `${name} ${hint}`);
    return v;
  };
  const usage = read('CLAIMFLOW_X12_USAGE', 'T', /^[PT]$/, 'must be P (production) or T (test)') as 'P' | 'T';
  return {
    senderQualifier: read('CLAIMFLOW_X12_SENDER_QUALIFIER', 'ZZ', /^[A-Z0-9]{2}$/, 'must be a 2-character ISA05 qualifier'),
    senderId: read('CLAIMFLOW_X12_SENDER_ID', 'CLAIMFLOW', ID, 'must be 1–15 letters, digits, spaces, dots or dashes'),
    receiverQualifier: read('CLAIMFLOW_X12_RECEIVER_QUALIFIER', 'ZZ', /^[A-Z0-9]{2}$/, 'must be a 2-character ISA07 qualifier'),
    receiverId: read('CLAIMFLOW_X12_RECEIVER_ID', 'CLEARINGHOUSE', ID, 'must be 1–15 letters, digits, spaces, dots or dashes'),
    submitterName: read('CLAIMFLOW_X12_SUBMITTER_NAME', 'CLAIMFLOW', NAME, 'must be 1–60 letters, digits and simple punctuation'),
    receiverName: read('CLAIMFLOW_X12_RECEIVER_NAME', 'CLEARINGHOUSE', NAME, 'must be 1–60 letters, digits and simple punctuation'),
    contactName: read('CLAIMFLOW_X12_CONTACT_NAME', 'BILLING OFFICE', NAME, 'must be 1–60 letters, digits and simple punctuation'),
    contactPhone: read('CLAIMFLOW_X12_CONTACT_PHONE', '8005550100', /^\d{10}$/, 'must be 10 digits'),
    usage,
  };
}
