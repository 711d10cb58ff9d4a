/** A problem with one line of an imported file: where, which field, what is wrong. Never the value. */
export interface LineProblem {
  file: string;
  line: number;
  field: string;
  message: string;
}

/** Thrown by a line parser for one field; the runner adds file and line. */
export class FieldError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = 'FieldError';
  }
}

/** The import was refused as a whole (bad lines without --skip-bad, or bad options); nothing changed. */
export class ImportRefusedError extends Error {
  constructor(
    message: string,
    readonly problems: LineProblem[] = [],
  ) {
    super(problems.length ? `${message}\n${problems.slice(0, 20).map(formatProblem).join('\n')}${problems.length > 20 ? `\n… and ${problems.length - 20} more` : ''}` : message);
    this.name = 'ImportRefusedError';
  }
}

export function formatProblem(p: LineProblem): string {
  return `${p.file}:${p.line}: ${p.field}: ${p.message}`;
}
