/**
 * `gfpcheck verify [--expect FILE] [--junit FILE] [--format text|json|markdown|html]
 * [--out FILE] [--quiet] [--update]`: the CI gate.
 *
 * Checks every (fix set, column) cell listed in the expectations file
 * (default specs/verdicts.json), prints the verdict matrix, and exits
 *
 * - 0 when every cell matches its expectation (verdict, remaining deadlock
 *   classes, distinct-state count);
 * - 1 when one differs (the output names the cell and what changed);
 * - 151 for a usage error (unknown fix, stack or parameter in the file, an
 *   unreadable or malformed file);
 * - 150/153/255 when a check failed (spec error, out of memory, internal
 *   error) and 152 when one was incomplete, as `check` does (TLC's codes).
 *
 * `--update` rewrites the expectations file with what the model computed
 * (same columns and rows); it is for after a deliberate model change, and
 * every changed cell must then be checked and explained (docs/fixes.md).
 *
 * @module
 */
import * as path from 'path';
import { ExitCode, exitCodeForError, printFailure, progressLine, single, singleBoolean, usage, ok, err, parseCount } from '../../checker/cli';
import { formatStepStatus } from '../../checker/report';
import type { Argv, CliContext, CliIo, CommandModule, Failure, ResolvedCliConfig, Result } from '../../checker/cli';
import type { Column, Expectations } from './expectations';
import { formatExpectations, parseExpectations } from './expectations';
import { renderJson, renderJunit, renderMarkdown, renderText, MatrixView, mismatches, rowsOf } from './render';
import { renderMatrixHtml } from './html';
import type { MatrixResult } from './run';
import { PACKAGE_ROOT } from '../paths';
import { interruptRequested, interruptSignal } from '../../checker/interrupt';

/** A matrix cut short by SIGINT/SIGTERM: the cells decided before it, and how many were asked for. */
export interface Interruption {
  readonly signal: string;
  readonly total: number;
}

/** Thrown from `onCell` to end `runMatrix` after a signal; never escapes `computeMatrix`. */
class MatrixInterrupted extends Error {}
import { LADDER_MODES, ladderInterruptedLine, ladderJson, ladderMismatches, renderLadderText, runLadder, withRungs } from './ladder';
import type { LadderCell, LadderMode } from './ladder';

type RunModule = typeof import('./run');

/**
 * Loads run.ts (and with it the kernel model and the fixes) on first use, so
 * that a broken or half-written model only breaks the commands that need it
 * (error MC101), as specs/cli.ts does for `--stack`.
 */
export function loadRunner(): Result<Failure, RunModule> {
  try {
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    return ok(require('./run') as RunModule);
  } catch (e) {
    return err({ kind: 'spec', error: { code: 'MC101', message: `the kernel model or the fixes could not be loaded: ${(e instanceof Error ? e.message : String(e)).split('\n')[0]}` } });
  }
}

/** The expectations file in this repository. */
export const DEFAULT_EXPECTATIONS = path.join(PACKAGE_ROOT, 'specs', 'verdicts.json');

export const VERIFY_FORMATS = ['text', 'json', 'markdown', 'html'] as const;
export type VerifyFormat = (typeof VERIFY_FORMATS)[number];

export interface VerifyOptions {
  /** Path as given (undefined: the default file). */
  readonly expect?: string;
  readonly junit?: string;
  readonly format: VerifyFormat;
  readonly out?: string;
  readonly quiet: boolean;
  readonly update: boolean;
  /** Which rungs of the bound ladder run (ladder.ts): `ci` by default. */
  readonly ladder: LadderMode;
  /** Cells checked at once on worker threads (default: the number of cores). */
  readonly workers?: number;
  /**
   * Shared searches (run.ts, share.ts): cells with provably identical models
   * run one search. Absent: on, except with `update` (pins are written from
   * independent searches); false (`--no-share`): every cell runs its own.
   */
  readonly share?: boolean;
}

/** Pure: argv of `verify`. */
export function validateVerifyArgv(argv: Argv): Result<Failure, VerifyOptions> {
  const expect = single('expect', argv.expect);
  if (!expect.ok) return expect;
  if (expect.value === '') return err(usage('--expect needs a file name', 'e.g. --expect specs/verdicts.json'));
  const junit = single('junit', argv.junit);
  if (!junit.ok) return junit;
  if (junit.value === '') return err(usage('--junit needs a file name', 'e.g. --junit verify.xml'));
  const format = single('format', argv.format);
  if (!format.ok) return format;
  const f = format.value ?? 'text';
  if (!(VERIFY_FORMATS as readonly string[]).includes(f)) return err(usage(`invalid value '${f}' for --format`, `choices: ${VERIFY_FORMATS.join(', ')}`));
  const out = single('out', argv.out);
  if (!out.ok) return out;
  if (out.value === '') return err(usage('--out needs a file name'));
  const quiet = singleBoolean('quiet', argv.quiet);
  if (!quiet.ok) return quiet;
  const update = singleBoolean('update', argv.update);
  if (!update.ok) return update;
  const ladder = single('ladder', argv.ladder);
  if (!ladder.ok) return ladder;
  if (ladder.value !== undefined && !(LADDER_MODES as readonly string[]).includes(ladder.value)) return err(usage(`invalid value '${ladder.value}' for --ladder`, `choices: ${LADDER_MODES.join(', ')}`));
  const workers = parseCount('workers', argv.workers, 1);
  if (!workers.ok) return workers;
  if (workers.value !== undefined && workers.value > 64) return err(usage(`--workers must be from 1 to 64, got ${workers.value}`));
  const share = singleBoolean('share', argv.share);
  if (!share.ok) return share;
  if (share.value === true && update.value === true) return err(usage('--share cannot be used with --update: the pins are written from independent searches (--update runs every search)'));
  return ok({
    ...(share.value !== undefined ? { share: share.value } : {}),
    ladder: (ladder.value ?? 'ci') as LadderMode,
    ...(expect.value !== undefined ? { expect: expect.value } : {}),
    ...(junit.value !== undefined ? { junit: junit.value } : {}),
    format: f as VerifyFormat,
    ...(out.value !== undefined ? { out: out.value } : {}),
    quiet: quiet.value ?? false,
    update: update.value ?? false,
    ...(workers.value !== undefined ? { workers: workers.value } : {}),
  });
}

/** Reads and validates an expectations file. */
export function loadExpectations(file: string | undefined, io: CliIo): Result<Failure, { expectations: Expectations; abs: string; shown: string }> {
  const abs = file === undefined ? DEFAULT_EXPECTATIONS : path.resolve(io.cwd, file);
  const shown = file ?? (path.relative(io.cwd, abs).startsWith('..') ? abs : path.relative(io.cwd, abs));
  let text: string;
  try {
    text = io.readFile(abs);
  } catch (e) {
    return err(usage(`cannot read the expectations file '${shown}': ${e instanceof Error ? e.message : String(e)}`, 'gfpcheck verify --expect specs/verdicts.json'));
  }
  const parsed = parseExpectations(text);
  if (!parsed.ok) return err(usage(`'${shown}' is not a valid expectations file: ${parsed.error}`, 'see docs/adding-a-fix.md for its format'));
  // fix modules named by a row (`"fixes": ["./my-fix.ts"]`) are relative to the expectations file
  const fixBase = path.dirname(abs);
  const expectations = { ...parsed.value, rows: parsed.value.rows.map((r) => ({ ...r, fixBase })) };
  return ok({ expectations, abs, shown });
}

/** The exit code of a matrix: errors and incomplete searches first (TLC codes), then 1 for any difference. */
export function exitCodeForMatrix(m: MatrixResult): number {
  const error = m.cells.find((c) => c.actual.verdict === 'error');
  if (error) return exitCodeForError(error.actual.errorCode ?? 'MC501');
  if (m.cells.some((c) => c.actual.verdict === 'incomplete')) return ExitCode.incomplete;
  return mismatches(m).length ? ExitCode.verdictMismatch : ExitCode.ok;
}

/**
 * Runs the matrix of an expectations file, with one progress line per fix set
 * on stderr unless quiet.
 */
export function computeMatrix(
  expectations: Expectations,
  io: CliIo,
  opts: { quiet: boolean; columns?: (c: Column) => boolean; progress?: { readonly label: string; readonly per: 'row' | 'cell' }; workers?: number; share?: boolean },
): Result<Failure, MatrixResult & { interrupted?: Interruption }> {
  const runner = loadRunner();
  if (!runner.ok) return runner;
  const rows = expectations.rows.length;
  const columns = expectations.columns.filter(opts.columns ?? (() => true)).length;
  const per = opts.progress?.per ?? 'row';
  const label = opts.progress?.label ?? 'verify';
  let done = 0;
  let seen = '';
  // on a terminal: a bar over the cells, rewritten in place; otherwise one line per fix set (or per cell)
  const line = progressLine(io);
  const bar = line.tty && !opts.quiet ? rows * columns : undefined;
  const cells: MatrixResult['cells'][number][] = [];
  const t0 = io.clock();
  try {
    const r = runner.value.runMatrix(expectations, {
      clock: () => io.clock(),
      ...(opts.columns ? { columns: opts.columns } : {}),
      ...(opts.workers !== undefined ? { workers: opts.workers } : {}),
      ...(opts.share !== undefined ? { share: opts.share } : {}),
      onCell: (c) => {
        // A signal: the cell under way was cut short (incomplete); keep the decided ones.
        if (interruptRequested()) throw new MatrixInterrupted();
        cells.push(c);
        if (opts.quiet) return;
        if (bar !== undefined) {
          line.status(formatStepStatus(cells.length, bar, io.clock() - t0, `fix set: ${c.rowLabel}`));
          return;
        }
        if (per === 'cell') {
          io.stderr(`${label}: cell ${cells.length}/${rows * columns} done: ${c.rowLabel} x ${c.column.id}\n`);
          return;
        }
        if (c.rowLabel === seen) return;
        seen = c.rowLabel;
        done++;
        io.stderr(`${label}: fix set ${done}/${rows}: ${c.rowLabel}\n`);
      },
    });
    line.done();
    return r.ok ? ok(r.value) : err(r.error.kind === 'spec' ? { kind: 'spec', error: { code: 'MC101', message: r.error.message } } : usage(r.error.message, r.error.hint));
  } catch (e) {
    line.done();
    if (!(e instanceof MatrixInterrupted)) throw e;
    return ok({ cells, seconds: io.clock() - t0, interrupted: { signal: interruptSignal() ?? 'a stop request', total: rows * columns } });
  }
}

function write(io: CliIo, file: string, text: string, what: string, quiet: boolean, shown = file): Failure | undefined {
  try {
    io.writeFile(path.resolve(io.cwd, file), text);
  } catch (e) {
    return { kind: 'system', message: `cannot write ${what} to ${shown}: ${e instanceof Error ? e.message : String(e)}` };
  }
  if (!quiet) io.stderr(`gfpcheck: wrote ${what} to ${shown}\n`);
  return undefined;
}

/** Runs `verify`; resolves to the exit code. */
export function runVerify(o: VerifyOptions, ctx: CliContext): number {
  const { io } = ctx;
  const loaded = loadExpectations(o.expect, io);
  if (!loaded.ok) return printFailure(loaded.error, io);
  const { expectations, shown } = loaded.value;
  // Default 1: measured slower with threads on this shared 2-core machine (docs/architecture.md).
  // Shared searches by default; never when writing pins (every pin comes from a cell's own search).
  const share = o.share ?? !o.update;
  const computed = computeMatrix(expectations, io, { quiet: o.quiet, workers: o.workers ?? 1, share });
  if (!computed.ok) return printFailure(computed.error, io);
  const matrix = computed.value;
  let done = 0;
  const ran = matrix.interrupted
    ? { cells: [] as LadderCell[] }
    : runLadder(
        expectations,
        matrix,
        o.ladder ?? 'ci',
        () => io.clock(),
        (l) => {
          if (!o.quiet) io.stderr(`verify: ladder ${++done}: ${l.base.rowLabel} x ${l.base.column.id} (${l.rungs.map((r) => r.rung.id).join(', ')})\n`);
        },
        o.workers ?? 1,
        share,
      );
  const ladder = ran.cells;
  const ladderCut = ran.interrupted;
  const view: MatrixView = { matrix, expectations: shown, version: ctx.config.version, ...(matrix.interrupted ? { interrupted: matrix.interrupted } : {}) };
  let text =
    o.format === 'html' ? renderMatrixHtml(view) : o.format === 'json' ? renderJson(view) : o.format === 'markdown' ? renderMarkdown(view) : renderText(view, { quiet: o.quiet && o.out === undefined });
  if ((ladder.length || ladderCut) && o.format === 'json') {
    text = `${JSON.stringify({ ...(JSON.parse(text) as object), ladder: ladderJson(ladder), ...(ladderCut ? { ladderInterrupted: ladderCut } : {}) }, null, 2)}\n`;
  } else if (ladder.length && o.format === 'text') text += renderLadderText(expectations, ladder, o.quiet && o.out === undefined);
  if (ladderCut && o.format === 'text') text += `${ladderInterruptedLine(ladderCut)}\n`;
  if (o.out !== undefined) {
    const f = write(io, o.out, text, `the ${o.format} matrix`, o.quiet);
    if (f) return printFailure(f, io);
  } else io.stdout(text);
  if (o.junit !== undefined) {
    const f = write(io, o.junit, renderJunit(view), 'the JUnit XML', o.quiet);
    if (f) return printFailure(f, io);
  }
  // Interrupted: the decided cells are printed (and written); nothing is updated.
  if (matrix.interrupted) return ExitCode.incomplete;
  if (ladderCut) {
    // on stderr too when the text went to a file or the format has no such line
    if (o.format !== 'text' || o.out !== undefined) io.stderr(`${ladderInterruptedLine(ladderCut)}\n`);
    return ExitCode.incomplete;
  }
  let code = exitCodeForMatrix(matrix);
  const ladderBad = ladderMismatches(ladder).length;
  if (code === ExitCode.ok && ladderBad) code = ExitCode.verdictMismatch;
  if (code === ExitCode.ok && ladder.some((l) => l.rungs.some((r) => r.cell.actual.verdict === 'incomplete'))) code = ExitCode.incomplete;
  const unpinned = ladder.some((l) => l.rungs.some((r) => !r.cell.expected));
  if (o.update && (code === ExitCode.verdictMismatch || (code === ExitCode.ok && unpinned))) {
    const changed = mismatches(matrix).length + ladderBad;
    const runner = loadRunner();
    if (!runner.ok) return printFailure(runner.error, io);
    const computedBase = runner.value.computedExpectations(expectations, matrix);
    const f = write(io, loaded.value.abs, formatExpectations(withRungs(computedBase, expectations, ladder)), `${changed} updated cell${changed === 1 ? '' : 's'} (${rowsOf(matrix).length} fix sets)`, false, shown);
    if (f) return printFailure(f, io);
    return ExitCode.ok;
  }
  return code;
}

/** The `verify` command. */
export function verifyCommand(_cfg: ResolvedCliConfig): CommandModule<VerifyOptions> {
  return {
    command: 'verify',
    describe: 'The CI gate: check every (stack, workload, fix set) of the expectations file, print the verdict matrix, exit 1 if a verdict or state count changed',
    options: {
      expect: { type: 'string', requiresArg: true, describe: 'Expectations file (default specs/verdicts.json)' },
      junit: { type: 'string', requiresArg: true, describe: 'Also write JUnit XML to this file (one testcase per cell)' },
      format: { choices: [...VERIFY_FORMATS], requiresArg: true, describe: 'Output format of the matrix (default text)' },
      out: { type: 'string', requiresArg: true, describe: 'Write the matrix to this file instead of stdout' },
      quiet: { type: 'boolean', describe: 'Text: only the differences and a summary; no progress lines on stderr' },
      update: { type: 'boolean', describe: 'Rewrite the expectations file with what the model computed (after a deliberate change; explain each change in docs/fixes.md)' },
      ladder: { choices: [...LADDER_MODES], requiresArg: true, describe: 'Bound ladder: ci (default: the pinned rungs of at most ciMaxRungStates states, the CI subset), pinned (every rung recorded in the file), all (every rung of every cell, pinned or not), none (base bounds only)' },
      workers: { type: 'string', requiresArg: true, describe: 'Cells checked at once on worker threads (default 1: one after another); the output is the same' },
      share: { type: 'boolean', describe: 'Cells whose models are provably identical (same value at every config and param path the model read) run one search (default on; off with --update; --no-share: every cell runs its own); the output is the same apart from the count of searches' },
    },
    examples: [
      ['gfpcheck verify', 'Check specs/verdicts.json and print the matrix (exit 0 when everything matches)'],
      ['gfpcheck verify --junit verify.xml --quiet', 'CI: JUnit XML for the test report, only differences on stdout'],
      ['gfpcheck verify --format markdown', 'The matrix as a markdown table'],
    ],
    validate: (argv) => validateVerifyArgv(argv),
    run: (o, ctx) => runVerify(o, ctx),
  };
}
