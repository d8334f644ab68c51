/**
 * The expectations file (specs/verdicts.json): which (stack, workload, fix
 * set) cells `gfpcheck verify` checks, and what each is expected to give.
 *
 * ```
 * { "description": "...",
 *   "columns": [ { "id": "2019-write", "title": "2019 write", "kind": "safety",
 *                  "stack": "xfs/dm-zoned/tcmu/ext4/ssd", "workload": "write", "params": {} }, ... ],
 *   "rows": [ { "fixes": [], "cells": { "2019-write": { "verdict": "deadlock",
 *                  "classes": ["tcmu-runner@xfs_buf_iowait"], "states": 21 }, ... } }, ... ] }
 * ```
 *
 * A row may name a kernel profile (`"kernel": "5.10"`, specs/profiles.ts):
 * its fixes then apply on top of that kernel's merged changes; without it,
 * the row is on 5.2, the kernel of the report.
 *
 * A `safety` column checks the deadlock property (and the model's
 * invariants) on a stacked configuration; a `cost` column checks the cost
 * witness (specs/fixes/spec.ts) on an unstacked one. Every cell records the
 * verdict, the deadlock classes that remain, and the number of distinct
 * states, so that an unexplained change of the state space fails the gate
 * as surely as a changed verdict.
 *
 * @module
 */
import { isRecord, parseJsonObject } from '../../checker/report';

/** What a cell says. */
export type Verdict =
  /** safety: no deadlock, every invariant holds; cost: __GFP_FS reclaim is still reachable where it is safe. */
  | 'holds'
  /** A deadlock is reachable (its classes are listed). */
  | 'deadlock'
  /**
   * Deadlocks remain, and every remaining class is in the `exhaustion`
   * category: an allocator waits for a page with nothing reclaimable and no
   * OOM kill possible (docs/routes.md, "Categories"). Neither "holds" nor a
   * reclaim-recursion deadlock.
   */
  | 'exhaustion'
  /** An invariant of the model is violated (listed as `invariant <name>`). */
  | 'violated'
  /** cost: the fix makes the cost witness unreachable: it takes __GFP_FS reclaim away where it is safe. */
  | 'over-restrictive'
  /** The search did not finish (a limit was reached). */
  | 'incomplete'
  /** The spec could not be built or the engine failed. */
  | 'error';

export const VERDICTS: readonly Verdict[] = ['holds', 'deadlock', 'exhaustion', 'violated', 'over-restrictive', 'incomplete', 'error'];

/**
 * The liveness verdict of a safety cell: "every submitted I/O eventually
 * completes" and "every syscall eventually returns" under weak fairness of
 * each task (specs/liveness.ts; docs/routes.md, "Liveness").
 */
export type LivenessVerdict =
  /** No hang: both properties hold on every fair behaviour, and there is no deadlock. */
  | 'holds'
  /**
   * Hangs only by deadlock: the properties hold on every fair behaviour that
   * does not deadlock, and the cell has deadlocks (its safety verdict). No
   * livelock.
   */
  | 'deadlock-only'
  /** A livelock: a fair cycle on which an I/O never completes or a syscall never returns (its classes are in `livelocks`). */
  | 'livelock'
  /** A fair behaviour stops, without a deadlock, with an I/O or a syscall unfinished (a stuttering lasso outside the deadlock check). */
  | 'stops-unfinished'
  /** Not decided (the search was incomplete, or the cell failed). */
  | 'unknown';

export const LIVENESS_VERDICTS: readonly LivenessVerdict[] = ['holds', 'deadlock-only', 'livelock', 'stops-unfinished', 'unknown'];

export type ColumnKind = 'safety' | 'cost';

export interface Column {
  /** Short id used in rows and in messages, e.g. `2019-write`. */
  readonly id: string;
  /** Header of the column in the matrix. */
  readonly title: string;
  readonly kind: ColumnKind;
  /** Layers top to bottom, e.g. `xfs/dm-zoned/tcmu/ext4/ssd`. */
  readonly stack: string;
  readonly workload: 'write' | 'read';
  /** Model parameters (`--param key=value`); absent: the model's defaults. */
  readonly params?: Readonly<Record<string, string>>;
  /** What the column shows, one line (for the legend). */
  readonly description?: string;
}

/** What a cell is expected to give. */
export interface CellExpectation {
  readonly verdict: Verdict;
  /** Deadlock classes (and violated invariants) that remain, sorted; absent when none. */
  readonly classes?: readonly string[];
  /** Distinct states of the exhaustive search. */
  readonly states: number;
  /** Safety cells: the liveness verdict (absent: not recorded, e.g. a cost cell or a file written before it existed). */
  readonly liveness?: LivenessVerdict;
  /** With `liveness: livelock`: the livelock classes (role@loop point sets), sorted. */
  readonly livelocks?: readonly string[];
  /** The same cell at the larger bounds of the ladder's rungs, by rung id (those pinned; see `Expectations.ladder`). */
  readonly rungs?: Readonly<Record<string, RungExpectation>>;
}

/** What a cell gives at one rung of the bound ladder. */
export interface RungExpectation {
  readonly verdict: Verdict;
  readonly classes?: readonly string[];
  readonly states: number;
}

/**
 * A rung of the bound ladder: parameters on top of a column's own. A value
 * `+N` adds N to the column's value (or the model's default), e.g. `pages: "+1"`.
 */
export interface Rung {
  readonly id: string;
  readonly params: Readonly<Record<string, string>>;
  /** What the rung means in kernel terms (for the legend). */
  readonly description?: string;
  /**
   * The layers the rung acts on: it applies only to columns whose stack has
   * one of them (absent: every column). A path parameter of a layer the stack
   * lacks does not change the model (`xfs_log` without XFS, `dmz_block`
   * without dm-zoned), so that rung would be the base cell again.
   */
  readonly layers?: readonly string[];
}

/** A column's parameters at a rung (`defaults`: the model's parameter defaults, for `+N` values). */
export function rungParams(column: Pick<Column, 'params'>, rung: Rung, defaults: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = { ...(column.params ?? {}) };
  for (const [k, v] of Object.entries(rung.params)) {
    const m = /^\+(\d+)$/.exec(v);
    out[k] = m ? String(Number(out[k] ?? defaults[k] ?? '0') + Number(m[1])) : v;
  }
  return out;
}

export interface Row {
  /** Kernel profile of the baseline (specs/profiles.ts: 5.2, 5.10, 5.15, 6.14); absent: 5.2, the kernel of the report. */
  readonly kernel?: string;
  /** The fix set (names from specs/fixes, or paths of fix modules: `./my-fix.ts`), on top of the profile; empty: the profile's baseline. */
  readonly fixes: readonly string[];
  /** The directory fix-module paths in `fixes` are relative to: the expectations file's (set when the file is loaded; never written). */
  readonly fixBase?: string;
  /** Expected value of each column, by column id. */
  readonly cells: Readonly<Record<string, CellExpectation>>;
}

export interface Expectations {
  readonly description?: string;
  readonly columns: readonly Column[];
  readonly rows: readonly Row[];
  /** The bound ladder: larger bounds each cell is also checked at (docs/models/README.md, "Bounds"). */
  readonly ladder?: readonly Rung[];
  /**
   * The CI subset of the ladder (`verify --ladder ci`, the default): the
   * pinned rungs of at most this many distinct states. Absent: every pinned
   * rung. `--ladder pinned` runs them all.
   */
  readonly ciMaxRungStates?: number;
}

/**
 * How a row is named in the matrix and in messages: the fix set (`none`, or
 * names joined with ` + `) on 5.2; `kernel 5.10` for a profile's baseline,
 * `kernel 5.10 + io-flusher` with fixes on top.
 */
export function rowLabel(row: Pick<Row, 'kernel' | 'fixes'>): string {
  const fixes = row.fixes.join(' + ');
  if (row.kernel === undefined) return fixes === '' ? 'none' : fixes;
  return `kernel ${row.kernel}${fixes ? ` + ${fixes}` : ''}`;
}

const isStringArray = (x: unknown): x is string[] => Array.isArray(x) && x.every((s) => typeof s === 'string');

/** Parses and validates an expectations file; the error says where it is wrong. */
export function parseExpectations(text: string): { ok: true; value: Expectations } | { ok: false; error: string } {
  const parsed = parseJsonObject(text);
  if (!parsed.ok) return parsed;
  const data = parsed.value;
  if (!Array.isArray(data.columns) || data.columns.length === 0) return { ok: false, error: '"columns" is missing or empty' };
  if (!Array.isArray(data.rows) || data.rows.length === 0) return { ok: false, error: '"rows" is missing or empty' };
  const ids = new Set<string>();
  for (const [i, c] of data.columns.entries()) {
    const where = `columns[${i}]`;
    if (!isRecord(c)) return { ok: false, error: `${where} is not an object` };
    for (const k of ['id', 'title', 'stack'] as const) if (typeof c[k] !== 'string' || c[k] === '') return { ok: false, error: `${where}.${k} is missing or not a string` };
    if (c.kind !== 'safety' && c.kind !== 'cost') return { ok: false, error: `${where}.kind must be "safety" or "cost", got ${JSON.stringify(c.kind)}` };
    if (c.workload !== 'write' && c.workload !== 'read') return { ok: false, error: `${where}.workload must be "write" or "read", got ${JSON.stringify(c.workload)}` };
    if (c.params !== undefined && (!isRecord(c.params) || !Object.values(c.params).every((v) => typeof v === 'string'))) {
      return { ok: false, error: `${where}.params must map parameter names to strings` };
    }
    if (ids.has(c.id as string)) return { ok: false, error: `column id "${String(c.id)}" is used twice` };
    ids.add(c.id as string);
  }
  const rungIds = new Set<string>();
  if (data.ladder !== undefined) {
    if (!Array.isArray(data.ladder)) return { ok: false, error: '"ladder" must be an array of rungs' };
    for (const [i, g] of data.ladder.entries()) {
      const where = `ladder[${i}]`;
      if (!isRecord(g) || typeof g.id !== 'string' || g.id === '') return { ok: false, error: `${where}.id is missing or not a string` };
      if (!isRecord(g.params) || !Object.values(g.params).every((v) => typeof v === 'string')) return { ok: false, error: `${where}.params must map parameter names to strings` };
      if (g.layers !== undefined && (!isStringArray(g.layers) || g.layers.length === 0)) return { ok: false, error: `${where}.layers must be a non-empty array of layer names` };
      if (rungIds.has(g.id)) return { ok: false, error: `rung id "${g.id}" is used twice` };
      rungIds.add(g.id);
    }
  }
  if (data.ciMaxRungStates !== undefined && (typeof data.ciMaxRungStates !== 'number' || !Number.isInteger(data.ciMaxRungStates) || data.ciMaxRungStates < 0)) {
    return { ok: false, error: '"ciMaxRungStates" must be a whole number (the largest pinned rung, in distinct states, that verify --ladder ci runs)' };
  }
  const sets = new Set<string>();
  for (const [i, r] of data.rows.entries()) {
    const where = `rows[${i}]`;
    if (!isRecord(r)) return { ok: false, error: `${where} is not an object` };
    if (!isStringArray(r.fixes)) return { ok: false, error: `${where}.fixes must be an array of fix names` };
    if (r.kernel !== undefined && (typeof r.kernel !== 'string' || r.kernel === '')) return { ok: false, error: `${where}.kernel must be a kernel profile name, e.g. "5.10"` };
    const key = rowLabel({ fixes: r.fixes, ...(r.kernel !== undefined ? { kernel: r.kernel as string } : {}) });
    if (sets.has(key)) return { ok: false, error: `${where}: the fix set [${r.fixes.join(', ')}]${r.kernel !== undefined ? ` on kernel ${String(r.kernel)}` : ''} is listed twice` };
    sets.add(key);
    if (!isRecord(r.cells)) return { ok: false, error: `${where}.cells must be an object keyed by column id` };
    for (const [id, cell] of Object.entries(r.cells)) {
      const cw = `${where}.cells["${id}"]`;
      if (!ids.has(id)) return { ok: false, error: `${cw}: no column has id "${id}"` };
      if (!isRecord(cell)) return { ok: false, error: `${cw} is not an object` };
      if (typeof cell.verdict !== 'string' || !VERDICTS.includes(cell.verdict as Verdict)) {
        return { ok: false, error: `${cw}.verdict must be one of ${VERDICTS.join(', ')}, got ${JSON.stringify(cell.verdict)}` };
      }
      if (cell.classes !== undefined && !isStringArray(cell.classes)) return { ok: false, error: `${cw}.classes must be an array of strings` };
      if (typeof cell.states !== 'number' || !Number.isInteger(cell.states) || cell.states < 0) return { ok: false, error: `${cw}.states must be a whole number` };
      if (cell.liveness !== undefined && !LIVENESS_VERDICTS.includes(cell.liveness as LivenessVerdict)) {
        return { ok: false, error: `${cw}.liveness must be one of ${LIVENESS_VERDICTS.join(', ')}, got ${JSON.stringify(cell.liveness)}` };
      }
      if (cell.livelocks !== undefined && !isStringArray(cell.livelocks)) return { ok: false, error: `${cw}.livelocks must be an array of strings` };
      if (cell.rungs !== undefined) {
        if (!isRecord(cell.rungs)) return { ok: false, error: `${cw}.rungs must be an object keyed by rung id` };
        for (const [rid, rc] of Object.entries(cell.rungs)) {
          const rw = `${cw}.rungs["${rid}"]`;
          if (!rungIds.has(rid)) return { ok: false, error: `${rw}: no rung of "ladder" has id "${rid}"` };
          if (!isRecord(rc) || typeof rc.verdict !== 'string' || !VERDICTS.includes(rc.verdict as Verdict)) return { ok: false, error: `${rw}.verdict must be one of ${VERDICTS.join(', ')}` };
          if (rc.classes !== undefined && !isStringArray(rc.classes)) return { ok: false, error: `${rw}.classes must be an array of strings` };
          if (typeof rc.states !== 'number' || !Number.isInteger(rc.states) || rc.states < 0) return { ok: false, error: `${rw}.states must be a whole number` };
        }
      }
    }
  }
  return { ok: true, value: data as unknown as Expectations };
}

/** The expectations file as written by `verify --update`: stable key order, two-space indent, one cell per line. */
export function formatExpectations(e: Expectations): string {
  const rung = (c: RungExpectation) => ({ verdict: c.verdict, ...(c.classes && c.classes.length ? { classes: c.classes } : {}), states: c.states });
  const rungOrder = (e.ladder ?? []).map((g) => g.id);
  const cell = (c: CellExpectation): string =>
    JSON.stringify({
      ...rung(c),
      ...(c.liveness !== undefined ? { liveness: c.liveness } : {}),
      ...(c.livelocks && c.livelocks.length ? { livelocks: c.livelocks } : {}),
      ...(c.rungs && Object.keys(c.rungs).length ? { rungs: Object.fromEntries(rungOrder.filter((id) => c.rungs![id]).map((id) => [id, rung(c.rungs![id])])) } : {}),
    });
  const lines: string[] = ['{'];
  if (e.description !== undefined) lines.push(`  "description": ${JSON.stringify(e.description)},`);
  lines.push('  "columns": [');
  e.columns.forEach((c, i) => {
    const col = { id: c.id, title: c.title, kind: c.kind, stack: c.stack, workload: c.workload, params: c.params ?? {}, ...(c.description !== undefined ? { description: c.description } : {}) };
    lines.push(`    ${JSON.stringify(col)}${i < e.columns.length - 1 ? ',' : ''}`);
  });
  lines.push('  ],');
  if (e.ciMaxRungStates !== undefined) lines.push(`  "ciMaxRungStates": ${e.ciMaxRungStates},`);
  if (e.ladder !== undefined) {
    lines.push('  "ladder": [');
    e.ladder.forEach((g, i) => lines.push(`    ${JSON.stringify({ id: g.id, params: g.params, ...(g.layers !== undefined ? { layers: g.layers } : {}), ...(g.description !== undefined ? { description: g.description } : {}) })}${i < e.ladder!.length - 1 ? ',' : ''}`));
    lines.push('  ],');
  }
  lines.push('  "rows": [');
  e.rows.forEach((r, i) => {
    lines.push(`    { ${r.kernel !== undefined ? `"kernel": ${JSON.stringify(r.kernel)}, ` : ''}"fixes": ${JSON.stringify(r.fixes)}, "cells": {`);
    const ids = e.columns.map((c) => c.id).filter((id) => r.cells[id] !== undefined);
    ids.forEach((id, j) => lines.push(`      ${JSON.stringify(id)}: ${cell(r.cells[id])}${j < ids.length - 1 ? ',' : ''}`));
    lines.push(`    } }${i < e.rows.length - 1 ? ',' : ''}`);
  });
  lines.push('  ]');
  lines.push('}');
  return `${lines.join('\n')}\n`;
}
