/**
 * Running the cells of an expectations file: every (fix set, column) is an
 * exhaustive BFS with the fingerprint store and `allViolations`, so that each
 * deadlock class that remains is reported with its own shortest trace.
 *
 * @module
 */
import { check, checkInWorkers } from '../../checker';
import type { CheckResult, Spec } from '../../checker';
import { StackError } from '../../models';
import { FixModuleError, isFixModuleRef, resolveFixes } from '../fixes';
import { buildFixedStackSpec, COST_WITNESS } from '../fixes/spec';
import { resolveProfile } from '../profiles';
import { withKernelLiveness } from '../liveness';
import { stackLivenessRecipe, stackRecipe } from '../recipes';
import { rowLabel } from './expectations';
import type { CellExpectation, Column, Expectations, LivenessVerdict, Row, Verdict } from './expectations';
import { VERIFY_OPTIONS } from './options';
import { agrees } from './reads';
import type { ReadSet } from './reads';
import { buildTrackedCellSpec, cellInputs, readsOf, shareGroup, trackedRecipe } from './share';

export { VERIFY_OPTIONS };

/** What the model computed for one cell. */
export interface CellActual extends CellExpectation {
  /** Remaining deadlock classes and violated invariants, sorted (empty when none). */
  readonly classes: readonly string[];
  /** Longest shortest path (BFS depth). */
  readonly depth: number;
  readonly seconds: number;
  /** Steps of the shortest trace of each remaining class, in `classes` order. */
  readonly shortest: readonly number[];
  /** The cost witness's status (every cell computes it). */
  readonly witness: string;
  /** The error message, for `error` cells. */
  readonly error?: string;
  readonly errorCode?: string;
  /** Safety cells: which method decided the liveness verdict (checker LivenessStats.method), and why the acyclic path did not. */
  readonly livenessMethod?: 'acyclic' | 'full';
  readonly livenessFallback?: string;
}

/** One cell: what was expected, what the model computed, and the differences (empty: it matches). */
export interface CellResult {
  readonly row: Row;
  /** `none`, or the fix names joined with ` + `; `kernel 5.10[ + fixes]` on a profile (expectations.ts: rowLabel). */
  readonly rowLabel: string;
  readonly column: Column;
  readonly expected?: CellExpectation;
  readonly actual: CellActual;
  readonly diffs: readonly string[];
  /** The engine's result (traces, explanations), for renderers that want more than the verdict. */
  readonly result: CheckResult;
  /** The spec that was checked. */
  readonly spec: Spec<any>;
  /**
   * Shared searches (share.ts): the cell whose search this cell's result is
   * (`row label x column id`, at the same params), because its model is
   * provably the same; absent when the cell was searched.
   */
  readonly sharedWith?: string;
}

export interface MatrixResult {
  readonly cells: readonly CellResult[];
  readonly seconds: number;
  /** How many searches ran for the cells (fewer than cells when some shared one). */
  readonly searches?: number;
}

/** Why the matrix could not be run at all. */
export type MatrixFailure = { readonly kind: 'usage'; readonly message: string; readonly hint?: string } | { readonly kind: 'spec'; readonly message: string; readonly hint?: string };

const classesText = (c: readonly string[] | undefined): string => (c && c.length ? ` [${c.join(', ')}]` : '');

/** The verdict and remaining classes of a check, for a column of this kind. */
export function verdictOf(r: CheckResult, kind: Column['kind']): { verdict: Verdict; classes: string[] } {
  const deadlocks = r.violations.filter((v) => v.kind === 'deadlock').map((v) => v.class ?? 'deadlock');
  const invariants = r.violations.filter((v) => v.kind === 'invariant').map((v) => `invariant ${v.property}`);
  const classes = [...[...deadlocks].sort(), ...[...invariants].sort()];
  if (r.status === 'error') return { verdict: 'error', classes: [] };
  if (!r.complete) return { verdict: 'incomplete', classes };
  if (invariants.length) return { verdict: 'violated', classes };
  if (kind === 'cost' && r.properties.find((p) => p.name === COST_WITNESS)?.status !== 'reached') return { verdict: 'over-restrictive', classes };
  // every remaining class is a memory-exhaustion wait (models/core/waitfor.ts: categoryOf; docs/routes.md, "Categories")
  if (deadlocks.length && r.violations.filter((v) => v.kind === 'deadlock').every((v) => v.category === 'exhaustion')) return { verdict: 'exhaustion', classes };
  if (deadlocks.length) return { verdict: 'deadlock', classes };
  return { verdict: 'holds', classes };
}

/**
 * The liveness verdict of a safety cell (expectations.ts, LivenessVerdict),
 * from its check: a temporal violation whose lasso has a cycle is a livelock
 * (named by its class, specs/liveness.ts); one that stutters is a stop with
 * work unfinished; else the properties hold on every behaviour that does not
 * deadlock, and the cell's deadlocks make it `deadlock-only`.
 */
export function livenessOf(r: CheckResult, kind: Column['kind']): { liveness?: LivenessVerdict; livelocks?: string[] } {
  if (kind !== 'safety') return {};
  const temporal = r.properties.filter((p) => p.kind === 'temporal');
  if (temporal.length === 0) return {};
  if (r.status === 'error' || !r.complete) return { liveness: 'unknown' };
  const lassos = r.violations.filter((v) => v.kind === 'temporal');
  const cycles = lassos.filter((v) => v.loopStep?.action !== null && v.loopStep?.action !== undefined);
  if (cycles.length) return { liveness: 'livelock', livelocks: [...new Set(cycles.map((v) => v.class ?? v.property))].sort() };
  if (lassos.length) return { liveness: 'stops-unfinished' };
  if (temporal.some((p) => p.status !== 'holds')) return { liveness: 'unknown' };
  return { liveness: r.violations.some((v) => v.kind === 'deadlock') ? 'deadlock-only' : 'holds' };
}

/** The differences between an expected and a computed cell, one phrase each (empty: they agree). */
export function compareCell(expected: CellExpectation | undefined, actual: CellActual): string[] {
  if (!expected) return [`no expectation recorded (the model gives ${actual.verdict}${classesText(actual.classes)}, ${actual.states} states)`];
  const out: string[] = [];
  const ec = [...(expected.classes ?? [])].sort();
  const ac = [...actual.classes].sort();
  if (expected.verdict !== actual.verdict) {
    out.push(`verdict ${expected.verdict}${classesText(ec)} -> ${actual.verdict}${classesText(ac)}`);
  } else if (ec.join('\n') !== ac.join('\n')) {
    const gone = ec.filter((c) => !ac.includes(c));
    const added = ac.filter((c) => !ec.includes(c));
    out.push(`classes${gone.length ? ` no longer [${gone.join(', ')}]` : ''}${added.length ? `${gone.length ? ',' : ''} now also [${added.join(', ')}]` : ''}`);
  }
  if (expected.states !== actual.states) out.push(`distinct states ${expected.states} -> ${actual.states}`);
  // Liveness (safety cells): a change of verdict or of livelock classes fails the gate; a cell with none recorded is a difference too.
  if (actual.liveness !== undefined) {
    const el = [...(expected.livelocks ?? [])].sort().join(', ');
    const al = [...(actual.livelocks ?? [])].sort().join(', ');
    if (expected.liveness === undefined) out.push(`no liveness verdict recorded (the model gives ${actual.liveness}${al ? ` [${al}]` : ''})`);
    else if (expected.liveness !== actual.liveness || el !== al) out.push(`liveness ${expected.liveness}${el ? ` [${el}]` : ''} -> ${actual.liveness}${al ? ` [${al}]` : ''}`);
  }
  return out;
}

/** What a cell checks. */
const cellStack = (row: Row, column: Column) => ({ stack: column.stack, workload: column.workload, params: { ...(column.params ?? {}) }, fixes: row.fixes, ...(row.kernel !== undefined ? { kernel: row.kernel } : {}), ...(row.fixBase !== undefined && row.fixes.some(isFixModuleRef) ? { moduleBase: row.fixBase } : {}) });

/** The spec of a cell: a safety cell carries the kernel liveness properties (specs/liveness.ts). */
function cellSpec(row: Row, column: Column, liveness = true): Spec<any> {
  const spec = buildFixedStackSpec(cellStack(row, column));
  return liveness && column.kind === 'safety' ? withKernelLiveness(spec) : spec;
}

/** Runs one cell. Throws StackError/FixError for a bad column or fix (the caller turns them into usage errors). */
export function runCell(row: Row, column: Column, expected: CellExpectation | undefined, clock: () => number, opts: { readonly liveness?: boolean } = {}): CellResult {
  const spec = cellSpec(row, column, opts.liveness ?? true);
  const t0 = clock();
  const result = check(spec, { ...VERIFY_OPTIONS, clock });
  return cellResult(row, column, expected, spec, result, clock() - t0);
}

/** A cell from the result of its check. */
function cellResult(row: Row, column: Column, expected: CellExpectation | undefined, spec: Spec<any>, result: CheckResult, seconds: number): CellResult {
  const { verdict, classes } = verdictOf(result, column.kind);
  const byClass = new Map(result.violations.map((v) => [v.kind === 'invariant' ? `invariant ${v.property}` : v.class ?? 'deadlock', v.trace.length - 1]));
  const actual: CellActual = {
    verdict,
    classes,
    states: result.stats.distinctStates,
    depth: result.stats.depth,
    seconds,
    shortest: classes.map((c) => byClass.get(c) ?? 0),
    witness: result.properties.find((p) => p.name === COST_WITNESS)?.status ?? 'absent',
    ...(result.error ? { error: result.error.message, errorCode: result.error.code } : {}),
    ...livenessOf(result, column.kind),
    ...(result.stats.liveness?.method ? { livenessMethod: result.stats.liveness.method } : {}),
    ...(result.stats.liveness?.fallback ? { livenessFallback: result.stats.liveness.fallback } : {}),
  };
  return { row, rowLabel: rowLabel(row), column, ...(expected ? { expected } : {}), actual, diffs: compareCell(expected, actual), result, spec };
}

/**
 * Runs every cell of the expectations (rows in order, columns in order).
 * Unknown fixes, stacks or parameters are usage failures, found before any
 * search runs. `onCell` is called after each cell (progress).
 */
export function runMatrix(
  e: Expectations,
  opts: { clock: () => number; columns?: (c: Column) => boolean; onCell?: (c: CellResult) => void; workers?: number; share?: boolean },
): { ok: true; value: MatrixResult } | { ok: false; error: MatrixFailure } {
  for (const row of e.rows) {
    let r: ReturnType<typeof resolveFixes>;
    try {
      r = resolveFixes(row.fixes, row.fixBase);
    } catch (e) {
      // a fix module that cannot be used (specs/fixes/module.ts): a spec error, MC101
      if (e instanceof FixModuleError) return { ok: false, error: { kind: 'spec', message: `expectations: ${e.message}` } };
      throw e;
    }
    if (!r.ok) return { ok: false, error: { kind: 'usage', message: `expectations: ${r.error}`, hint: 'docs/fixes.md describes each fix' } };
    if (row.kernel !== undefined) {
      const p = resolveProfile(row.kernel);
      if (!p.ok) return { ok: false, error: { kind: 'usage', message: `expectations: ${p.error}`, hint: 'docs/fixes.md, "Kernel profiles", says what each profile contains' } };
    }
  }
  const columns = e.columns.filter(opts.columns ?? (() => true));
  for (const column of columns) {
    try {
      buildFixedStackSpec({ stack: column.stack, workload: column.workload, params: { ...(column.params ?? {}) } });
    } catch (err) {
      if (err instanceof StackError) {
        return { ok: false, error: { kind: 'usage', message: `expectations: column "${column.id}": ${err.message}`, hint: "'gfpcheck list stacks|layers|params' show what exists" } };
      }
      throw err;
    }
  }
  const t0 = opts.clock();
  const list = e.rows.flatMap((row) => columns.map((column) => ({ row, column, expected: row.cells[column.id], liveness: true })));
  const cells = runCells(list, opts.workers ?? 1, opts.clock, opts.onCell, { share: opts.share ?? false });
  return { ok: true, value: { cells, seconds: opts.clock() - t0, searches: searchesOf(cells) } };
}

/** A cell to run: a row at a column (whose params may be a rung's), its expectation, and whether a safety cell carries the liveness properties. */
export interface CellJob {
  readonly row: Row;
  readonly column: Column;
  readonly expected: CellExpectation | undefined;
  readonly liveness: boolean;
}

/** How many searches ran for these cells (the cells that did not share). */
export function searchesOf(cells: readonly CellResult[]): number {
  return cells.filter((c) => c.sharedWith === undefined).length;
}

/**
 * Runs independent cells, on `workers` worker threads when there are at
 * least two cells per thread (else not worth starting them), one after
 * another otherwise; `onCell` sees them in list order either way, and the
 * results are the same. With `share` (`verify`'s default; not with --update), cells whose
 * models are provably identical run one search (share.ts, runSharedCells).
 */
export function runCells(list: readonly CellJob[], workers: number, clock: () => number, onCell?: (c: CellResult) => void, opts: { readonly share?: boolean } = {}): CellResult[] {
  if (opts.share === true) return runSharedCells(list, workers, clock, onCell);
  const cells: CellResult[] = [];
  if (workers > 1 && list.length >= 2 * workers) {
    const jobs = list.map(({ row, column, liveness }) => ({ recipe: (liveness && column.kind === 'safety' ? stackLivenessRecipe : stackRecipe)(cellStack(row, column)), options: VERIFY_OPTIONS }));
    checkInWorkers(jobs, workers, clock, (i, result, seconds) => {
      const { row, column, expected, liveness } = list[i];
      const cell = result === undefined ? runCell(row, column, expected, clock, { liveness }) : cellResult(row, column, expected, cellSpec(row, column, liveness), result, seconds);
      cells.push(cell);
      onCell?.(cell);
    });
    return cells;
  }
  for (const { row, column, expected, liveness } of list) {
    const cell = runCell(row, column, expected, clock, { liveness });
    cells.push(cell);
    onCell?.(cell);
  }
  return cells;
}

/** A search whose result another cell may take: not cut short by a signal, not ended by a lack of memory or an internal error (which need not recur). */
const reusable = (r: CheckResult): boolean => r.interrupted !== true && r.error?.code !== 'MC301' && r.error?.code !== 'MC501';

/**
 * Runs the cells with shared searches. Cells fall into share groups
 * (share.ts: shareGroup); within a group, in list order, a cell is searched
 * (with its inputs tracked) unless an earlier searched cell of the group read
 * nothing on which this cell's inputs differ: then it takes that cell's result
 * (the earliest such). Which cells are searched depends only on the list, never
 * on timing or on `workers`: the searches run in waves, each with at most the
 * next undecided search of every group (on worker threads, largest expected
 * first), and a group's next cell is decided only when its earlier searches
 * have finished. Cells that never share (fix modules) run in the first wave.
 */
function runSharedCells(list: readonly CellJob[], workers: number, clock: () => number, onCell?: (c: CellResult) => void): CellResult[] {
  const n = list.length;
  const out: (CellResult | undefined)[] = new Array<CellResult | undefined>(n);
  const reads: (ReadSet | undefined)[] = new Array<ReadSet | undefined>(n);
  const groups = new Map<string, { members: number[]; next: number; searched: number[] }>();
  const loose: number[] = [];
  list.forEach(({ row, column, liveness }, i) => {
    const g = shareGroup(cellStack(row, column), column.kind, liveness && column.kind === 'safety');
    if (g === undefined) {
      loose.push(i);
      return;
    }
    let e = groups.get(g);
    if (e === undefined) groups.set(g, (e = { members: [], next: 0, searched: [] }));
    e.members.push(i);
  });
  let emitted = 0;
  const emit = (): void => {
    // the counter moves outside the call: `onCell?.(out[emitted++])` skips its argument, increment
    // included, when there is no onCell (an optional call short-circuits), and this loop never ended
    for (; emitted < n && out[emitted] !== undefined; emitted++) onCell?.(out[emitted]!);
  };
  const label = (c: CellResult): string => `${c.rowLabel} x ${c.column.id}`;
  let first = true;
  for (;;) {
    const wave: { i: number; tracked: boolean }[] = first ? loose.map((i) => ({ i, tracked: false })) : [];
    first = false;
    for (const g of groups.values()) {
      while (g.next < g.members.length) {
        const i = g.members[g.next];
        const { row, column, expected, liveness } = list[i];
        const inputs = g.searched.length ? cellInputs(cellStack(row, column)) : undefined;
        const src = inputs === undefined ? undefined : g.searched.find((j) => reads[j] !== undefined && reusable(out[j]!.result) && agrees(reads[j]!, inputs));
        if (src === undefined) {
          wave.push({ i, tracked: true });
          g.next++;
          break;
        }
        const t0 = clock();
        const spec = cellSpec(row, column, liveness);
        const from = out[src]!;
        const result: CheckResult = { ...from.result, spec: spec.name, params: spec.params ?? {} };
        out[i] = { ...cellResult(row, column, expected, spec, result, clock() - t0), sharedWith: label(from) };
        g.next++;
      }
    }
    if (wave.length === 0) break;
    const done = (k: { i: number; tracked: boolean }, result: CheckResult, seconds: number): void => {
      const { row, column, expected, liveness } = list[k.i];
      const { annotations, ...plain } = result;
      if (k.tracked) {
        reads[k.i] = readsOf(annotations);
        for (const g of groups.values()) if (g.members[g.next - 1] === k.i) g.searched.push(k.i);
      }
      out[k.i] = cellResult(row, column, expected, cellSpec(row, column, liveness), plain, seconds);
    };
    const here = (k: { i: number; tracked: boolean }): void => {
      const { row, column, liveness } = list[k.i];
      if (!k.tracked) {
        const { row: r, column: c, expected, liveness: l } = list[k.i];
        out[k.i] = runCell(r, c, expected, clock, { liveness: l });
        return;
      }
      const spec = buildTrackedCellSpec(cellStack(row, column), liveness && column.kind === 'safety');
      const t0 = clock();
      const result = check(spec, { ...VERIFY_OPTIONS, clock });
      done(k, result, clock() - t0);
    };
    if (workers > 1 && wave.length >= 2) {
      // largest expected first: the wave ends with its longest search (the order changes no result)
      const order = [...wave].sort((a, b) => (list[b.i].expected?.states ?? Infinity) - (list[a.i].expected?.states ?? Infinity) || a.i - b.i);
      const jobs = order.map(({ i, tracked }) => {
        const { row, column, liveness } = list[i];
        const l = liveness && column.kind === 'safety';
        return { recipe: tracked ? trackedRecipe(cellStack(row, column), l) : (l ? stackLivenessRecipe : stackRecipe)(cellStack(row, column)), options: VERIFY_OPTIONS };
      });
      checkInWorkers(jobs, workers, clock, (j, result, seconds) => {
        const k = order[j];
        if (result === undefined) here(k);
        else done(k, result, seconds);
      });
    } else for (const k of wave) here(k);
    emit();
  }
  emit();
  return out as CellResult[];
}

/** The expectations the model computed (same columns and rows, cells replaced): what `verify --update` writes. */
export function computedExpectations(e: Expectations, m: MatrixResult): Expectations {
  return {
    ...e,
    rows: e.rows.map((row) => {
      const label = rowLabel(row);
      const cells: Record<string, CellExpectation> = { ...row.cells };
      for (const c of m.cells.filter((x) => x.rowLabel === label)) {
        cells[c.column.id] = {
          verdict: c.actual.verdict,
          ...(c.actual.classes.length ? { classes: c.actual.classes } : {}),
          states: c.actual.states,
          ...(c.actual.liveness !== undefined ? { liveness: c.actual.liveness } : {}),
          ...(c.actual.livelocks && c.actual.livelocks.length ? { livelocks: c.actual.livelocks } : {}),
        };
      }
      return { ...row, cells };
    }),
  };
}
