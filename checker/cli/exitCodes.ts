/**
 * Exit codes: the one table, following TLC's (tlc2/output/EC.java,
 * `ExitStatus`), so that CI scripts written for TLC carry over.
 * docs/cli.md holds the same table; a test checks that they agree.
 *
 * @module
 */
import type { McErrorCode } from '../result';
import type { Report } from '../report/report';
import type { Failure } from './types';

/** Exit codes by meaning. */
export const ExitCode = {
  /** Every property holds and the search was complete. */
  ok: 0,
  /** `main` only: the verdict differs from the expected one. */
  verdictMismatch: 1,
  /** A deadlock was reached (first violation found). */
  deadlock: 11,
  /** An invariant is violated (first violation found). */
  invariant: 12,
  /** A temporal (liveness) property is violated: "Temporal properties were violated." */
  liveness: 13,
  /** The spec or model is wrong: missing module, exception in an action, value outside its domain, nondeterministic action (MC1xx, MC2xx). */
  specError: 150,
  /** The command line is wrong: bad flag, bad value, unknown spec name. */
  usage: 151,
  /** The search was incomplete (a limit was reached, the omission bound is above --max-omission, or SIGINT/SIGTERM stopped it); nothing is known to hold. */
  incomplete: 152,
  /** Out of memory or a system error (MC301; any failed write of the report: stdout, EPIPE, --out, JUnit). */
  system: 153,
  /** Internal error: a bug in gfpcheck (MC501). */
  internal: 255,
} as const;

export type ExitCodeName = keyof typeof ExitCode;

/** The table as documented in docs/cli.md: code and meaning, in order. */
export const EXIT_CODE_TABLE: readonly { readonly code: number; readonly meaning: string }[] = [
  { code: ExitCode.ok, meaning: 'all properties hold (complete search)' },
  { code: ExitCode.verdictMismatch, meaning: '`main`: the verdict differs from the expected one' },
  { code: ExitCode.deadlock, meaning: 'deadlock reached' },
  { code: ExitCode.invariant, meaning: 'invariant violated' },
  { code: ExitCode.liveness, meaning: 'temporal property violated (liveness)' },
  { code: ExitCode.specError, meaning: 'spec or model error (MC1xx, MC2xx)' },
  { code: ExitCode.usage, meaning: 'usage error (bad flag, bad value, unknown spec name)' },
  { code: ExitCode.incomplete, meaning: 'search incomplete (limit reached, omission bound above --max-omission, or interrupted by SIGINT/SIGTERM)' },
  { code: ExitCode.system, meaning: 'out of memory or system error (MC301; any failed write of the report: stdout, --out, JUnit)' },
  { code: ExitCode.internal, meaning: 'internal error (MC501)' },
];

/** The exit code for an engine or spec error code. */
export function exitCodeForError(code: McErrorCode | string): number {
  if (/^MC[12]\d\d$/.test(code)) return ExitCode.specError;
  if (/^MC3\d\d$/.test(code)) return ExitCode.system;
  return ExitCode.internal;
}

/** The exit code of a report: that of the first violation found, 0 only for a complete search in which everything holds. */
export function exitCodeForReport(r: Pick<Report, 'result' | 'complete' | 'violations' | 'error'>): number {
  switch (r.result) {
    case 'holds':
      return r.complete ? ExitCode.ok : ExitCode.incomplete;
    case 'violated': {
      const kind = r.violations[0]?.kind;
      if (kind === 'deadlock') return ExitCode.deadlock;
      if (kind === 'invariant') return ExitCode.invariant;
      if (kind === 'temporal') return ExitCode.liveness;
      return ExitCode.internal;
    }
    case 'incomplete':
      return ExitCode.incomplete;
    case 'error':
      return exitCodeForError(r.error?.code ?? 'MC501');
  }
}

/** The exit code for a failure. */
export function exitCodeForFailure(f: Failure): number {
  switch (f.kind) {
    case 'usage':
      return ExitCode.usage;
    case 'system':
      return ExitCode.system;
    case 'spec':
      return exitCodeForError(f.error.code);
  }
}
