/**
 * The bound ladder of the gate: each cell of the expectations file checked
 * again at larger bounds (the rungs of `ladder` in specs/verdicts.json: two
 * writers, one more page of memory, a higher dirty limit). A cell is
 * *stable* when its verdict and its classes are the same on every rung that
 * was run; a verdict is only ever stated with the bounds it was checked at.
 *
 * Which rungs run (`gfpcheck verify --ladder`):
 * - `ci` (the default, what CI runs): the pinned rungs of at most
 *   `ciMaxRungStates` distinct states (a field of the file) — the documented
 *   subset that fits the CI budget (docs/fixes.md, "Bound ladder");
 * - `pinned`: every rung recorded in the file (the full ladder once every
 *   rung is pinned; `npm run bench:ladder` times it);
 * - `all`: every rung of every cell, pinned or not (`--update` then records
 *   every rung);
 * - `none`: base bounds only.
 *
 * @module
 */
import { interruptRequested, interruptSignal } from '../../checker/interrupt';
import { listParams, parseStack } from '../../models';
import type { CellResult, MatrixResult } from './run';
import type { CellExpectation, Column, Expectations, Rung, RungExpectation } from './expectations';
import { rungParams } from './expectations';

export const LADDER_MODES = ['ci', 'pinned', 'all', 'none'] as const;
export type LadderMode = (typeof LADDER_MODES)[number];

/** One cell over its rungs. */
export interface LadderCell {
  readonly base: CellResult;
  readonly rungs: readonly { readonly rung: Rung; readonly params: Readonly<Record<string, string>>; readonly cell: CellResult }[];
  /** Verdict and classes agree on every rung run (and with the base bounds). */
  readonly stable: boolean;
}

const signature = (c: CellResult): string => `${c.actual.verdict}|${c.actual.classes.join('\n')}`;

/** Counts of the classes of a cell by category (`R` recursion, `L` lock, `E` exhaustion). */
export function categoryCounts(c: CellResult): string {
  const n = { recursion: 0, lock: 0, exhaustion: 0 } as Record<string, number>;
  for (const v of c.result.violations) if (v.kind === 'deadlock') n[v.category ?? 'recursion'] = (n[v.category ?? 'recursion'] ?? 0) + 1;
  const parts = [['R', n.recursion], ['L', n.lock], ['E', n.exhaustion]].filter(([, x]) => (x as number) > 0).map(([k, x]) => `${k}${x}`);
  return parts.join(' ');
}

/** Whether a rung applies to a column: it names no layers, or the column's stack has one of them. */
export function rungApplies(rung: Rung, column: Pick<Column, 'stack'>): boolean {
  if (!rung.layers) return true;
  let names: string[];
  try {
    names = parseStack(column.stack).map((l) => l.name);
  } catch {
    return true; // a bad stack is reported by the base cell
  }
  return rung.layers.some((n) => names.includes(n));
}

/** The rungs of one cell that `mode` runs, in ladder order (see the module comment); rungs that do not apply to the column never run. */
export function selectRungs(e: Expectations, cell: CellExpectation | undefined, mode: LadderMode, column?: Pick<Column, 'stack'>): Rung[] {
  if (mode === 'none') return [];
  const pinned = cell?.rungs ?? {};
  const max = e.ciMaxRungStates ?? Infinity;
  return (e.ladder ?? []).filter(
    (g) => (column === undefined || rungApplies(g, column)) && (mode === 'all' || (pinned[g.id] !== undefined && (mode === 'pinned' || pinned[g.id].states <= max))),
  );
}

/** A stop request (SIGINT/SIGTERM) cut the ladder short: the rung cells after `decided` were not checked. */
export interface LadderInterruption {
  readonly signal: string;
  /** Rung cells decided (those of the base cells in `cells`), of `total` planned. */
  readonly decided: number;
  readonly total: number;
}

class LadderInterrupted extends Error {}

/** The line that says the ladder was cut short by a signal. */
export function ladderInterruptedLine(i: LadderInterruption): string {
  return `Bound ladder interrupted by ${i.signal}: ${i.decided} of ${i.total} rung cells decided${i.decided ? " (shown above)" : ""}; the others were not checked, so nothing is known about them (exit 152).`;
}

/**
 * Runs the selected rungs of every cell of a base matrix (on `workers` threads;
 * reported in matrix order). A stop request ends it after the base cells whose
 * rungs were all decided; the rung under way, cut short, is dropped.
 */
export function runLadder(
  e: Expectations,
  m: MatrixResult,
  mode: LadderMode,
  clock: () => number,
  onCell?: (l: LadderCell) => void,
  workers = 1,
  share = false,
): { cells: LadderCell[]; interrupted?: LadderInterruption } {
  if (mode === 'none' || !e.ladder?.length) return { cells: [] };
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const runner = require('./run') as typeof import('./run');
  const defaults = Object.fromEntries(listParams().map((p) => [p.name, p.default]));
  const plan = m.cells
    .map((base) => ({ base, rungs: selectRungs(e, base.expected, mode, base.column).map((rung) => ({ rung, params: rungParams(base.column, rung, defaults) })) }))
    .filter((p) => p.rungs.length > 0);
  // Rungs check safety only: the liveness column is pinned at the base bounds.
  const jobs = plan.flatMap((p) => p.rungs.map((r) => ({ row: p.base.row, column: { ...p.base.column, params: r.params }, expected: p.base.expected?.rungs?.[r.rung.id] as CellExpectation | undefined, liveness: false })));
  // the index in `jobs` of each planned cell's first rung
  const first: number[] = [];
  plan.reduce((n, p) => (first.push(n), n + p.rungs.length), 0);
  const out: LadderCell[] = [];
  const done: CellResult[] = [];
  const finish = (): { cells: LadderCell[]; interrupted: LadderInterruption } => ({
    cells: out,
    interrupted: { signal: interruptSignal() ?? 'a stop request', decided: out.reduce((n, l) => n + l.rungs.length, 0), total: jobs.length },
  });
  if (interruptRequested()) return finish();
  try {
    runner.runCells(jobs, workers, clock, (c) => {
      // A signal: the rung under way was cut short (incomplete); keep the decided cells.
      if (interruptRequested()) throw new LadderInterrupted();
      done.push(c);
      // the runner reports in list order: a base cell is complete with its last rung
      const p = plan[out.length];
      if (done.length < first[out.length] + p.rungs.length) return;
      const results = p.rungs.map((r, i) => ({ ...r, cell: done[first[out.length] + i] }));
      const sig = signature(p.base);
      const l: LadderCell = { base: p.base, rungs: results, stable: results.every((r) => signature(r.cell) === sig) };
      out.push(l);
      onCell?.(l);
    }, { share });
  } catch (x) {
    if (!(x instanceof LadderInterrupted)) throw x;
    return finish();
  }
  return { cells: out };
}

/** Rung cells that differ from their pinned expectation, as `row x column @ rung: what`. */
export function ladderMismatches(cells: readonly LadderCell[]): string[] {
  return cells.flatMap((l) => l.rungs.filter((r) => r.cell.expected && r.cell.diffs.length).map((r) => `${l.base.rowLabel} x ${l.base.column.id} @ ${r.rung.id}: ${r.cell.diffs.join('; ')}`));
}

const verdictText = (c: CellResult): string => {
  const cats = categoryCounts(c);
  return `${c.actual.verdict}${cats ? ` [${cats}]` : ''} (${c.actual.states.toLocaleString('en-US')})`;
};

/** How many searches ran for the rung cells (shared searches, run.ts): a line when some rung cells shared one. */
export function ladderSharedLines(cells: readonly LadderCell[]): string[] {
  const rungs = cells.flatMap((l) => l.rungs.map((r) => r.cell));
  const shared = rungs.filter((c) => c.sharedWith !== undefined).length;
  return shared ? [`Bound ladder searches: ${rungs.length - shared} for the ${rungs.length} rung cells, ${shared} shared a search of an identical model.`] : [];
}

/** The ladder section of the text matrix (`quiet`: only the rung cells that differ, and a summary). */
export function renderLadderText(e: Expectations, cells: readonly LadderCell[], quiet = false): string {
  if (!cells.length) return '';
  if (quiet) {
    const bad = ladderMismatches(cells);
    const rungs = cells.reduce((n, l) => n + l.rungs.length, 0);
    const unstable = cells.filter((l) => !l.stable).length;
    return `${[`Bound ladder: ${rungs} rung cells of ${cells.length} cells, ${unstable} unstable; ${bad.length ? `${bad.length} differ from the expectations:` : 'every pinned rung matches.'}`, ...bad.map((b) => `  ${b}`), ...ladderSharedLines(cells)].join('\n')}\n`;
  }
  const lines = ['', 'Bound ladder (verdict [classes by category: R recursion, L lock, E exhaustion] (distinct states) at each rung):'];
  for (const g of e.ladder ?? []) lines.push(`  ${g.id.padEnd(10)} ${Object.entries(g.params).map(([k, v]) => `${k}=${v}`).join(' ')}${g.description ? `  ${g.description}` : ''}`);
  lines.push('');
  for (const l of cells) {
    const parts = [`base ${verdictText(l.base)}`, ...l.rungs.map((r) => `${r.rung.id} ${verdictText(r.cell)}${r.cell.expected && r.cell.diffs.length ? ' *' : ''}`)];
    lines.push(`  ${l.stable ? 'stable  ' : 'UNSTABLE'} ${l.base.rowLabel} x ${l.base.column.id}: ${parts.join(' | ')}`);
  }
  const bad = ladderMismatches(cells);
  lines.push('', bad.length ? `${bad.length} rung cell${bad.length === 1 ? '' : 's'} differ from specs/verdicts.json:` : 'Every pinned rung matches specs/verdicts.json.', ...bad.map((b) => `  ${b}`), ...ladderSharedLines(cells));
  return `${lines.join('\n')}\n`;
}

/** The ladder as JSON (added to `verify --format json` under `ladder`). */
export function ladderJson(cells: readonly LadderCell[]): unknown[] {
  const one = (c: CellResult) => ({
    verdict: c.actual.verdict,
    classes: c.actual.classes,
    categories: Object.fromEntries(c.result.violations.filter((v) => v.kind === 'deadlock').map((v) => [v.class ?? 'deadlock', v.category ?? null])),
    states: c.actual.states,
    ...(c.expected ? { matches: c.diffs.length === 0 } : {}),
    ...(c.sharedWith !== undefined ? { sharedWith: c.sharedWith } : {}),
  });
  return cells.map((l) => ({
    row: l.base.rowLabel,
    column: l.base.column.id,
    stable: l.stable,
    base: { params: l.base.column.params ?? {}, ...one(l.base) },
    rungs: l.rungs.map((r) => ({ rung: r.rung.id, params: r.params, ...one(r.cell) })),
  }));
}

/**
 * Expectations `e` (as computed at base bounds) with the rungs pinned in
 * `original` kept and the rungs that were run recorded (what `verify --update` writes).
 */
export function withRungs(e: Expectations, original: Expectations, cells: readonly LadderCell[]): Expectations {
  const key = (row: string, col: string) => `${row}\u0000${col}`;
  const byCell = new Map(cells.map((l) => [key(l.base.rowLabel, l.base.column.id), l]));
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const { rowLabel } = require('./expectations') as typeof import('./expectations');
  const before = new Map(original.rows.map((r) => [rowLabel(r), r]));
  return {
    ...e,
    rows: e.rows.map((row) => {
      const label = rowLabel(row);
      const old = before.get(label);
      const cellsOut: Record<string, CellExpectation> = {};
      for (const [id, c] of Object.entries(row.cells)) {
        const l = byCell.get(key(label, id));
        const rungs: Record<string, RungExpectation> = { ...(old?.cells[id]?.rungs ?? {}), ...(c.rungs ?? {}) };
        for (const r of l?.rungs ?? []) rungs[r.rung.id] = { verdict: r.cell.actual.verdict, ...(r.cell.actual.classes.length ? { classes: r.cell.actual.classes } : {}), states: r.cell.actual.states };
        cellsOut[id] = { ...c, ...(Object.keys(rungs).length ? { rungs } : {}) };
      }
      return { ...row, cells: cellsOut };
    }),
  };
}
