/**
 * The verdict matrix in text, markdown and JSON, and the JUnit XML of a
 * verify run. Pure: the same matrix gives the same output (wall-clock figures
 * only on the last text line, which starts with "Finished in", and in the
 * `seconds` fields).
 *
 * Rows are fix sets, columns are (stack, workload) configurations and the
 * cost witness; each cell is its verdict, the deadlock classes that remain
 * (as the stable labels of classes.ts, R1, K1, ..., explained under the
 * table) and the number of distinct states. The table reads in 100 columns:
 * when the columns do not fit, it is printed in several blocks of columns,
 * each with the fix-set column first.
 *
 * @module
 */
import { junitProperties, xmlEscape } from '../../checker/report/junit';
import { COST_WITNESS } from '../fixes/types';
import type { Column } from './expectations';
import { VERIFY_OPTIONS } from './options';
import { mermaidSection } from './mermaid';
import type { CellResult, MatrixResult } from './run';
import { classLabel, compareLabels, COMPLETION_WITNESS, deadlockInevitable } from './classes';

/** What a verify run is rendered with. */
export interface MatrixView {
  readonly matrix: MatrixResult;
  /** The expectations file, as the user named it. */
  readonly expectations: string;
  readonly version: string;
  /** Set when SIGINT/SIGTERM cut the run short: `matrix` holds only the cells decided before. */
  readonly interrupted?: { readonly signal: string; readonly total: number };
}

/** The line that says a matrix was cut short by a signal. */
export function interruptedLine(decided: number, i: { readonly signal: string; readonly total: number }): string {
  return `Interrupted by ${i.signal}: ${decided} of ${i.total} cells decided (shown above); the others were not checked, so nothing is known about them (exit 152).`;
}

const count = (n: number): string => n.toLocaleString('en-US');
const plural = (n: number, one: string): string => `${count(n)} ${one}${n === 1 ? '' : 's'}`;

/** The columns that were run, in order. */
export function columnsOf(m: MatrixResult): Column[] {
  const out: Column[] = [];
  for (const c of m.cells) if (!out.includes(c.column)) out.push(c.column);
  return out;
}

/** The row labels, in order. */
export function rowsOf(m: MatrixResult): string[] {
  const out: string[] = [];
  for (const c of m.cells) if (!out.includes(c.rowLabel)) out.push(c.rowLabel);
  return out;
}

/** Every deadlock class (and violated invariant) that appears, with its stable label (classes.ts), in label order. */
export function classLabels(m: MatrixResult): Map<string, string> {
  const found = new Set<string>();
  for (const c of m.cells) for (const k of c.actual.classes) found.add(k);
  return new Map([...found].map((k) => [k, classLabel(k)] as [string, string]).sort((a, b) => compareLabels(a[1], b[1])));
}

/** Whether a cell's deadlock is inevitable: the completion witness was never reached (classes.ts). */
export const inevitable = (c: CellResult): boolean => c.actual.verdict === 'deadlock' && deadlockInevitable(c.result);

export const mismatches = (m: MatrixResult): CellResult[] => m.cells.filter((c) => c.diffs.length > 0);

/** One line describing the search every cell ran. */
export function searchLine(): string {
  return `search: exhaustive BFS, ${VERIFY_OPTIONS.store.kind} store (64-bit), all violations (each deadlock class with its own shortest trace), symmetry ${VERIFY_OPTIONS.symmetry ? 'on' : 'off'}`;
}

/** `row x column (stack, workload)`: how a cell is named in messages. */
export const cellName = (c: CellResult): string => `${c.rowLabel} x ${c.column.id} (${c.column.stack}, ${c.column.workload})`;

/** One line per differing cell. */
export function mismatchLines(m: MatrixResult, expectations: string): string[] {
  const bad = mismatches(m);
  const n = m.cells.length;
  if (bad.length === 0) return [n === 1 ? `The 1 cell matches ${expectations}.` : `All ${n} cells match ${expectations}.`];
  return [
    `${bad.length} of ${n} cell${n === 1 ? '' : 's'} ${bad.length === 1 ? 'differs' : 'differ'} from ${expectations}:`,
    ...bad.map((c) => `  ${cellName(c)}: ${c.diffs.join('; ')}`),
    `If the model changed on purpose, check each new verdict against the kernel and the thread, explain it in docs/fixes.md, and update the file (gfpcheck verify --update).`,
  ];
}

/** The liveness mark of a cell in the text matrix: nothing for `holds` and `deadlock-only` (the safety verdict says which), else a word. */
function livenessMark(c: CellResult): string {
  const l = c.actual.liveness;
  if (l === undefined || l === 'holds' || l === 'deadlock-only') return '';
  if (l === 'livelock') return ' +livelock';
  return l === 'unknown' ? ' +liveness?' : ` +${l}`;
}

function cellText(c: CellResult, labels: Map<string, string>): string {
  const a = c.actual;
  const ids = a.classes.map((k) => labels.get(k) ?? classLabel(k)).sort(compareLabels);
  const cls = ids.length ? ` ${ids.join(',')}` : '';
  return `${a.verdict}${inevitable(c) ? '!' : ''}${cls}${livenessMark(c)} (${count(a.states)})${c.diffs.length ? ' *' : ''}`;
}

/** The cell of the same column in the row's baseline (no fix, same kernel profile), if it was run. */
function baselineOf(m: MatrixResult, c: CellResult): CellResult | undefined {
  if (c.row.fixes.length === 0) return undefined;
  return m.cells.find((x) => x.column === c.column && x.row.fixes.length === 0 && x.row.kernel === c.row.kernel);
}

/**
 * The liveness summary of a matrix (docs/routes.md, "Liveness"): how many
 * safety cells hold, hang only by deadlock, or livelock; which fix turns a
 * deadlock into a livelock or leaves one; and which method decided.
 */
export function livenessLines(m: MatrixResult): string[] {
  const cells = m.cells.filter((c) => c.actual.liveness !== undefined);
  if (!cells.length) return [];
  const n = (v: string) => cells.filter((c) => c.actual.liveness === v).length;
  const parts = [
    `${n('holds')} hold`,
    `${n('deadlock-only')} hang only by deadlock`,
    `${n('livelock')} livelock`,
    ...(n('stops-unfinished') ? [`${n('stops-unfinished')} stop with work unfinished`] : []),
    ...(n('unknown') ? [`${n('unknown')} undecided`] : []),
  ];
  const turns: string[] = [];
  const leaves: string[] = [];
  for (const c of cells) {
    if (c.actual.liveness !== 'livelock') continue;
    const b = baselineOf(m, c);
    if (!b) continue;
    if (b.actual.liveness === 'livelock') leaves.push(`${c.rowLabel} x ${c.column.id}`);
    else if (b.actual.liveness === 'deadlock-only') turns.push(`${c.rowLabel} x ${c.column.id}`);
  }
  const fixes =
    turns.length || leaves.length
      ? `${turns.length ? `a fix turns a deadlock into a livelock in ${turns.join(', ')}` : 'no fix turns a deadlock into a livelock'}; ${leaves.length ? `a fix leaves a livelock in ${leaves.join(', ')}` : 'no fix leaves a livelock'}.`
      : 'No fix turns a deadlock into a livelock, and none leaves one.';
  const acyclic = cells.filter((c) => c.actual.livenessMethod === 'acyclic').length;
  const full = cells.filter((c) => c.actual.livenessMethod === 'full').length;
  const livelocks = [...new Set(cells.flatMap((c) => c.actual.livelocks ?? []))].sort();
  return [
    ...wrapLine(
      `Liveness (every submitted I/O eventually completes and every syscall eventually returns, under weak fairness of each task; docs/routes.md, "Liveness"): ` +
        `of ${plural(cells.length, 'safety cell')}, ${parts.join(', ')}. ${fixes} ` +
        `Decided by the acyclic path (no cycle in the reachable graph) in ${acyclic}, by the full search in ${full}. ` +
        `+livelock = a livelock; +liveness? = undecided.`,
      '',
    ),
    ...(livelocks.length ? [`Livelock classes (role@loop point of the tasks that move on the cycle):`, ...livelocks.map((k) => `  ${k}`)] : []),
  ];
}

function table(rows: string[][]): string[] {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((x, i) => (i === r.length - 1 ? x : x.padEnd(widths[i]))).join('  ').trimEnd());
}

/** Width the matrix text aims at (a terminal, a mail, a CI log). */
export const MATRIX_WIDTH = 100;

/** Breaks a line at spaces to `width` columns; continuation lines start with `indent`. A word longer than a line stays whole. */
export function wrapLine(text: string, indent = '  ', width = MATRIX_WIDTH): string[] {
  if (text.length <= width) return [text];
  const lead = /^\s*/.exec(text)![0];
  const words = text.slice(lead.length).split(' ');
  const out: string[] = [];
  let line = lead;
  let first = true;
  for (const w of words) {
    if (!first && line.length + 1 + w.length > width) {
      out.push(line);
      line = indent + w;
    } else line += (first ? '' : ' ') + w;
    first = false;
  }
  out.push(line);
  return out;
}

/**
 * A table whose first column repeats: the other columns are split into
 * blocks that fit in `width` (at least one column per block), printed one
 * after another with a blank line between.
 */
export function wrappedTable(rows: string[][], width = MATRIX_WIDTH): string[] {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  const blocks: number[][] = [];
  let cur: number[] = [];
  let used = widths[0];
  for (let i = 1; i < widths.length; i++) {
    if (cur.length > 0 && used + 2 + widths[i] > width) {
      blocks.push(cur);
      cur = [];
      used = widths[0];
    }
    cur.push(i);
    used += 2 + widths[i];
  }
  if (cur.length) blocks.push(cur);
  if (blocks.length === 0) return table(rows);
  return blocks.flatMap((b, k) => [...(k > 0 ? [''] : []), ...table(rows.map((r) => [r[0], ...b.map((i) => r[i])]))]);
}

function costLine(): string {
  return `cost: holds = an application task can still enter super_cache_scan with __GFP_FS (witness ${COST_WITNESS}); over-restrictive = it no longer can.`;
}

/** The matrix as a plain-text table (what `verify` and `main` print). */
export function matrixTable(m: MatrixResult): string[] {
  const cols = columnsOf(m);
  const labels = classLabels(m);
  const rows = rowsOf(m);
  const grid: string[][] = [['fix set', ...cols.map((c) => c.id)]];
  for (const r of rows) grid.push([r, ...cols.map((col) => { const c = m.cells.find((x) => x.rowLabel === r && x.column === col); return c ? cellText(c, labels) : '-'; })]);
  // the category of each class (recursion, lock, exhaustion: docs/routes.md), from any cell that found it
  const cat = new Map<string, string>();
  for (const c of m.cells) for (const v of c.result.violations) if (v.kind === 'deadlock' && v.class !== undefined && v.category !== undefined) cat.set(v.class, v.category);
  const out = [
    'Columns:',
    ...cols.flatMap((c) => wrapLine(`  ${c.id}: ${c.stack}, ${c.workload}; ${c.kind === 'cost' ? `cost witness${c.description ? `: ${c.description}` : ''}` : (c.description ?? '')}`.trimEnd(), '      ')),
    '',
    ...wrappedTable(grid),
    '',
  ];
  if (labels.size) {
    out.push(
      ...wrapLine('Deadlock classes (role@wait point, for each task in the wait-for cycle; the labels are the same in every output and in docs/fixes.md) and their category (docs/routes.md):', ''),
      ...[...labels].flatMap(([k, l]) => wrapLine(`  ${l.padEnd(5)} ${k}${cat.has(k) ? `  (${cat.get(k)})` : ''}`, '          ')),
      '',
    );
  }
  out.push('(n) = distinct states of the exhaustive search; * = differs from the expectations.');
  if (m.cells.some(inevitable)) {
    out.push(
      ...wrapLine(
        `deadlock! = the deadlock is inevitable at these bounds, not merely reachable: the witness ${COMPLETION_WITNESS} is never reached: no execution completes the workload (every execution deadlocks, or runs without ever completing).`,
        '',
      ),
    );
  }
  out.push(...wrapLine(costLine(), ''));
  out.push(...livenessLines(m));
  return out;
}

/** How many searches ran for the cells (shared searches, run.ts), for the `Finished` line: empty when every cell was searched. */
export function sharedText(m: MatrixResult): string {
  if (m.searches === undefined || m.searches === m.cells.length) return '';
  return `; ${m.searches} searches for the ${m.cells.length} cells, ${m.cells.length - m.searches} shared a search of an identical model`;
}

/** The `text` format of `verify`. */
export function renderText(v: MatrixView, opts: { quiet: boolean }): string {
  const m = v.matrix;
  const total = m.cells.reduce((s, c) => s + c.actual.states, 0);
  const finished = `Finished in ${m.seconds.toFixed(1)}s (${m.cells.length} checks, ${count(total)} distinct states in all${sharedText(m)}).`;
  const cut = v.interrupted ? [interruptedLine(m.cells.length, v.interrupted)] : [];
  if (opts.quiet) return `${[...mismatchLines(m, v.expectations), ...cut, finished].join('\n')}\n`;
  const out = [
    `gfpcheck verify: ${plural(rowsOf(m).length, 'fix set')} x ${plural(columnsOf(m).length, 'column')}, expectations ${v.expectations}`,
    searchLine(),
    '',
    ...matrixTable(m),
    '',
    ...mismatchLines(m, v.expectations),
    ...cut,
    finished,
  ];
  return `${out.join('\n')}\n`;
}

const mdEscape = (s: string): string => s.replace(/\|/g, '\\|');

/** The `markdown` format: a table for docs and PR comments. */
export function renderMarkdown(v: MatrixView): string {
  const m = v.matrix;
  const cols = columnsOf(m);
  const out = [
    `Verdict matrix (\`gfpcheck verify --expect ${v.expectations}\`). ${searchLine().replace(/^search: /, 'Search: ')}.`,
    '',
    `| fix set | ${cols.map((c) => `${mdEscape(c.title)}<br>\`${c.stack}\` ${c.workload}`).join(' | ')} |`,
    `|---|${cols.map(() => '---').join('|')}|`,
  ];
  for (const r of rowsOf(m)) {
    const cells = cols.map((col) => {
      const c = m.cells.find((x) => x.rowLabel === r && x.column === col);
      if (!c) return '-';
      const a = c.actual;
      const verdict = a.verdict === 'holds' ? 'holds' : `**${a.verdict}**`;
      const cls = a.classes.length ? `: ${a.classes.map((k) => `\`${k}\``).join(', ')}` : '';
      const live = a.liveness !== undefined ? `<br>liveness: ${a.liveness === 'livelock' ? `**livelock**${a.livelocks?.length ? ` ${a.livelocks.map((k) => `\`${k}\``).join(', ')}` : ''}` : a.liveness}` : '';
      return `${verdict}${cls} (${count(a.states)} states)${live}${c.diffs.length ? ' (differs)' : ''}`;
    });
    out.push(`| \`${mdEscape(r)}\` | ${cells.join(' | ')} |`);
  }
  out.push(
    '',
    `Cost column: holds = an application task can still enter \`super_cache_scan\` with \`__GFP_FS\` (witness \`${COST_WITNESS}\`); over-restrictive = it no longer can.`,
    '',
    ...(livenessLines(m).length ? [livenessLines(m).join(' ').replace(/ {2,}/g, ' '), ''] : []),
    ...mismatchLines(m, v.expectations).map((l) => (l.startsWith('  ') ? `- ${l.trim()}` : l)),
    ...mermaidSection(m),
  );
  return `${out.join('\n')}\n`;
}

/** The `json` format. */
export function renderJson(v: MatrixView): string {
  const m = v.matrix;
  const cols = columnsOf(m);
  const bad = mismatches(m);
  const obj = {
    tool: 'gfpcheck',
    version: v.version,
    command: 'verify',
    expectations: v.expectations,
    options: { strategy: VERIFY_OPTIONS.strategy, store: VERIFY_OPTIONS.store.kind, allViolations: VERIFY_OPTIONS.allViolations, symmetry: VERIFY_OPTIONS.symmetry },
    result: m.cells.some((c) => c.actual.verdict === 'error') ? 'error' : bad.length ? 'mismatch' : 'match',
    columns: cols,
    rows: rowsOf(m).map((label) => {
      const cells = m.cells.filter((c) => c.rowLabel === label);
      return {
        ...(cells[0].row.kernel !== undefined ? { kernel: cells[0].row.kernel } : {}),
        fixes: cells[0].row.fixes,
        label,
        cells: Object.fromEntries(
          cells.map((c) => [
            c.column.id,
            {
              verdict: c.actual.verdict,
              classes: c.actual.classes,
              states: c.actual.states,
              depth: c.actual.depth,
              shortest: c.actual.shortest,
              witness: c.actual.witness,
              ...(c.actual.liveness !== undefined ? { liveness: c.actual.liveness, livelocks: c.actual.livelocks ?? [], livenessMethod: c.actual.livenessMethod ?? null } : {}),
              ...(c.actual.livenessFallback ? { livenessFallback: c.actual.livenessFallback } : {}),
              seconds: c.actual.seconds,
              ...(c.actual.error ? { error: { code: c.actual.errorCode, message: c.actual.error } } : {}),
              ...(c.expected ? { expected: c.expected } : {}),
              ...(c.sharedWith !== undefined ? { sharedWith: c.sharedWith } : {}),
              match: c.diffs.length === 0,
              diffs: c.diffs,
            },
          ]),
        ),
      };
    }),
    mismatches: bad.map((c) => ({ row: c.rowLabel, column: c.column.id, diffs: c.diffs })),
    ...(v.interrupted ? { interrupted: { signal: v.interrupted.signal, decided: m.cells.length, total: v.interrupted.total } } : {}),
    stats: { cells: m.cells.length, distinctStates: m.cells.reduce((s, c) => s + c.actual.states, 0), seconds: m.seconds, ...(m.searches !== undefined ? { searches: m.searches } : {}) },
  };
  return `${JSON.stringify(obj, null, 2)}\n`;
}

/** Escaped for XML; characters XML 1.0 forbids are written as `\\uXXXX` text (checker/report/junit.ts). */
export const xml = (s: string): string => xmlEscape(s);

/** The `<properties>` of a fix set's testsuite: tool version, expectations, how every cell was searched, and each column's bounds. */
export function junitSuiteProperties(v: MatrixView, cells: readonly CellResult[]): [string, string][] {
  const row = cells[0]?.row;
  return [
    ['gfpcheck.version', v.version],
    ['expectations', v.expectations],
    ['strategy', VERIFY_OPTIONS.strategy],
    ['store', `${VERIFY_OPTIONS.store.kind} (64-bit)`],
    ['symmetry', VERIFY_OPTIONS.symmetry ? 'on' : 'off'],
    ['allViolations', String(VERIFY_OPTIONS.allViolations)],
    ['kernel', row?.kernel ?? '5.2'],
    ['fixes', row && row.fixes.length ? row.fixes.join(' + ') : 'none'],
    // the parameters the cell's spec was built with (model defaults included), not only those the column sets
    ...cells.map((c): [string, string] => [
      `bounds.${c.column.id}`,
      `${c.column.stack} ${c.column.workload}:${Object.entries((c.spec?.params ?? c.column.params ?? {}) as Record<string, unknown>)
        .filter(([k]) => !['stack', 'workload', 'kernel', 'fixes'].includes(k))
        .map(([k, x]) => ` ${k}=${String(x)}`)
        .join('')}`,
    ]),
  ];
}

/** JUnit XML: one testsuite per fix set, one testcase per cell (failure: the verdict changed; error: the check failed). */
export function renderJunit(v: MatrixView): string {
  const m = v.matrix;
  const bad = (c: CellResult) => c.diffs.length > 0 && c.actual.verdict !== 'error' && c.actual.verdict !== 'incomplete';
  const errored = (c: CellResult) => c.actual.verdict === 'error' || c.actual.verdict === 'incomplete';
  const secs = (s: number) => s.toFixed(3);
  const out = ['<?xml version="1.0" encoding="UTF-8"?>'];
  out.push(
    `<testsuites name="gfpcheck verify" tests="${m.cells.length}" failures="${m.cells.filter(bad).length}" errors="${m.cells.filter(errored).length}" time="${secs(m.seconds)}">`,
  );
  for (const label of rowsOf(m)) {
    const cells = m.cells.filter((c) => c.rowLabel === label);
    const time = cells.reduce((s, c) => s + c.actual.seconds, 0);
    out.push(`  <testsuite name="${xml(`fix set: ${label}`)}" tests="${cells.length}" failures="${cells.filter(bad).length}" errors="${cells.filter(errored).length}" time="${secs(time)}">`);
    out.push(...junitProperties(junitSuiteProperties(v, cells), '    '));
    for (const c of cells) {
      const a = c.actual;
      const name = `${c.column.id}: ${c.column.stack} ${c.column.workload}`;
      const live = a.liveness !== undefined ? `, liveness ${a.liveness}${a.livelocks?.length ? ` [${a.livelocks.join(', ')}]` : ''}` : '';
      const got = `${a.verdict}${a.classes.length ? ` [${a.classes.join(', ')}]` : ''}, ${a.states} distinct states${live}`;
      const open = `    <testcase classname="${xml(`gfpcheck.verify.${label}`)}" name="${xml(name)}" time="${secs(a.seconds)}"`;
      if (errored(c)) {
        out.push(`${open}>`, `      <error message="${xml(`${a.verdict}: ${a.error ?? 'search incomplete'}`)}" type="${xml(a.errorCode ?? a.verdict)}"/>`, '    </testcase>');
      } else if (bad(c)) {
        const el = c.expected?.liveness !== undefined ? `, liveness ${c.expected.liveness}${c.expected.livelocks?.length ? ` [${c.expected.livelocks.join(', ')}]` : ''}` : '';
        const exp = c.expected ? `${c.expected.verdict}${c.expected.classes?.length ? ` [${c.expected.classes.join(', ')}]` : ''}, ${c.expected.states} distinct states${el}` : 'nothing recorded';
        out.push(
          `${open}>`,
          `      <failure message="${xml(c.diffs.join('; '))}" type="verdict-changed">${xml(`expected (${v.expectations}): ${exp}\ncomputed: ${got}`)}</failure>`,
          '    </testcase>',
        );
      } else {
        out.push(`${open}>`, `      <system-out>${xml(got)}</system-out>`, '    </testcase>');
      }
    }
    out.push('  </testsuite>');
  }
  out.push('</testsuites>');
  return `${out.join('\n')}\n`;
}
