/**
 * The matrix part of `gfpcheck main` (what `npm start` prints first): the
 * columns of specs/verdicts.json on the 2019 report's stack, plus the cost
 * witness, for the baseline and every fix set, computed by exhaustive search
 * and compared with the expectations.
 *
 * @module
 */
import type { CliIo, Failure, Result } from '../../checker/cli';
import { ok } from '../../checker/cli';
import { computeMatrix, loadExpectations } from './command';
import type { Interruption } from './command';
import type { MatrixResult } from './run';
import { interruptedLine, matrixTable, mismatches, mismatchLines, searchLine, wrapLine } from './render';
import { CASE_PROFILES } from '../profiles';

/** The stack of the 2019 report. */
export const MAIN_STACK = 'xfs/dm-zoned/tcmu/ext4/ssd';

/** The matrix text for `main`, and whether every cell matched its expectation. */
export function mainMatrix(io: CliIo, opts: { quiet?: boolean } = {}): Result<Failure, { text: string; matches: boolean; seconds: number; interrupted?: Interruption }> {
  const loaded = loadExpectations(undefined, io);
  if (!loaded.ok) return loaded;
  // issue 11: the rows of the single-case historic profiles (loopback NFS) are not part of the 2019 matrix
  const e = loaded.value.expectations;
  const computed = computeMatrix({ ...e, rows: e.rows.filter((r) => r.kernel === undefined || !CASE_PROFILES.includes(r.kernel)) }, io, {
    quiet: opts.quiet ?? true,
    columns: (c) => c.stack === MAIN_STACK || c.kind === 'cost',
    progress: { label: 'main', per: 'cell' },
  });
  if (!computed.ok) return computed;
  const m = computed.value;
  const heading = `Verdict matrix: the 2019 stack under each proposed fix and kernel profile (rows), and the cost of each fix on an unstacked ext4 (${m.cells.length} checks; 'gfpcheck verify' runs every column of ${loaded.value.shown}).`;
  const { text, matches } = matrixText(m, heading, loaded.value.shown);
  return ok({ text, matches, seconds: m.seconds, ...(m.interrupted ? { interrupted: m.interrupted } : {}) });
}

/** A computed matrix as `main` prints it: the heading, the search line, the table, the mismatches; and whether every cell matched. */
export function matrixText(m: MatrixResult & { interrupted?: Interruption }, heading: string, shown: string): { text: string; matches: boolean } {
  const bad = mismatches(m).length > 0 || m.cells.some((c) => c.actual.verdict === 'error' || c.actual.verdict === 'incomplete');
  const lines = [
    ...wrapLine(heading, ''),
    ...wrapLine(searchLine(), '  '),
    '',
    ...matrixTable(m),
    '',
    ...mismatchLines(m, shown).flatMap((l) => wrapLine(l, '    ')),
    ...(m.interrupted ? wrapLine(interruptedLine(m.cells.length, m.interrupted), '') : []),
  ];
  return { text: `${lines.join('\n')}\n`, matches: !bad && !m.interrupted };
}
