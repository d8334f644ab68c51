/**
 * The ASCII swimlane of a counterexample, in the style of lockdep's
 * "Possible unsafe locking scenario" (`CPU0 / CPU1` columns), for
 * `--format mail` and `--format text`.
 *
 * - one column per task of the wait-for cycle (for a trace with no cycle,
 *   e.g. a reference model's invariant violation, one per lane of its view
 *   while they fit), time running down, one row per step of those tasks;
 * - each row gives the step number, what the task does, the layer and kernel
 *   function where it stands afterwards, the allocation on its stack with the
 *   effective GFP mask, what it takes, and what it waits for; the waits that
 *   close the cycle are marked `*** waits ... ***`, a task that is waiting
 *   shows `|` in its column until it is woken (or to the end);
 * - steps of the other tasks are folded into one line naming who moved, and
 *   the tasks not drawn are named under the picture;
 * - at most 72 columns, ASCII only (mail.ts's `toAscii`), so that it pastes
 *   into a reply as it is.
 *
 * It is drawn from a `TraceView` (checker/report/view.ts): the kernel view
 * (kernelView.ts) for `--stack` reports, the generic one otherwise.
 *
 * @module
 */
import type { Report, ReportViolation } from '../../checker/report';
import { genericTraceView, TraceView, ViewLane } from '../../checker/report/view';
import { kernelTraceView } from './kernelView';
import { MAIL_WIDTH, toAscii, wrap } from './mail';

/** Narrowest column; with the step prefix this allows four columns in 72. */
const MIN_COL = 14;
/** Widest column. */
const MAX_COL = 32;
/** `NNN. ` */
const PREFIX = 5;
const GAP = 2;

/** How many columns of at least MIN_COL fit in `width`. */
export function columnsThatFit(width = MAIL_WIDTH): number {
  return Math.max(1, Math.floor((width - PREFIX + GAP) / (MIN_COL + GAP)));
}

/** The view the swimlane of a violation is drawn from: the kernel's for a `--stack` report, else the generic one. */
export function swimlaneView(r: Report, v: ReportViolation): TraceView {
  return kernelTraceView(r, v) ?? genericTraceView(r, v);
}

/** The columns: the cycle's tasks in cycle order, or (no cycle) the lanes that move, as many as fit. */
function chooseColumns(view: TraceView, width: number): { cols: ViewLane[]; others: string[] } {
  const fit = columnsThatFit(width);
  const movers = view.lanes.filter((l) => view.steps.some((s) => s.lane === l.id));
  const wanted = view.cycle.length
    ? [...new Set(view.cycle.map((e) => e.from))].map((id) => view.lanes.find((l) => l.id === id) ?? { id, label: id, group: '' })
    : movers;
  const cols = wanted.slice(0, fit);
  const others = movers.filter((l) => !cols.some((c) => c.id === l.id)).map((l) => l.id);
  return { cols, others };
}

/** Wraps a cell's text to `w` columns; an identifier too long for a line breaks after `_`, `|`, `(` or `/`. */
export function cellWrap(text: string, w: number, rest = ' '): string[] {
  const words = toAscii(text).split(/\s+/).filter((x) => x !== '');
  const lines: string[] = [];
  let line = '';
  for (let word of words) {
    const sep = line === '' || line === rest ? '' : ' ';
    if (line.length + sep.length + word.length <= w) {
      line += sep + word;
      continue;
    }
    if (line.trim() !== '') {
      lines.push(line);
      line = rest;
    }
    while (line.length + word.length > w) {
      const room = w - line.length;
      let cut = -1;
      for (const ch of ['_', '|', '(', '/', ',', '-']) cut = Math.max(cut, word.lastIndexOf(ch, room - 1));
      const at = cut > 0 ? cut + 1 : room;
      lines.push(line + word.slice(0, at));
      word = word.slice(at);
      line = rest;
    }
    line += word;
  }
  if (line.trim() !== '' || lines.length === 0) lines.push(line);
  return lines;
}

function pad(s: string, w: number): string {
  return s.length >= w ? s : s + ' '.repeat(w - s.length);
}

/**
 * The swimlane lines of one violation (no trailing blank line), or [] when
 * there is nothing to draw (an empty trace).
 */
export function swimlaneLines(r: Report, v: ReportViolation, width = MAIL_WIDTH): string[] {
  if (v.trace.length < 2) return [];
  const view = swimlaneView(r, v);
  const { cols, others } = chooseColumns(view, width);
  if (cols.length === 0) return [];
  const colW = Math.min(MAX_COL, Math.floor((width - PREFIX - GAP * (cols.length - 1)) / cols.length));
  const colIndex = new Map(cols.map((c, i) => [c.id, i]));
  const waitingAt = (lane: string, step: number): boolean =>
    view.waits.some((w) => w.lane === lane && w.from < step && (w.to === null || step < w.to));
  const row = (cells: readonly string[], head = ''): string =>
    (pad(head, PREFIX) + cells.map((c, i) => (i < cells.length - 1 ? pad(c, colW + GAP) : c)).join('')).trimEnd();
  const out: string[] = [];
  const intro = view.cycle.length
    ? 'Possible unsafe scenario, one column per task of the wait-for cycle, time running down; "*** waits" marks the waits that close the cycle, "|" a task that is waiting:'
    : 'The trace as a scenario, one column per lane, time running down:';
  out.push(...wrap(intro, '', '', width), '');
  const groupLabel = (l: ViewLane) => view.groups.find((g) => g.id === l.group)?.label ?? l.group;
  const headRows = [cols.map((c) => c.label), cols.map((c) => (c.group ? `[${groupLabel(c)}]` : '')), cols.map(() => '-'.repeat(colW))];
  for (const h of headRows) {
    const cells = h.map((t) => toAscii(t.length > colW ? `${t.slice(0, colW - 3)}...` : t));
    out.push(row(cells));
  }
  let folded: { from: number; to: number; who: string[] } | null = null;
  const flush = () => {
    if (!folded) return;
    const f = folded;
    folded = null;
    const range = f.from === f.to ? `step ${f.from}` : `steps ${f.from}-${f.to}`;
    const bars = cols.map((c) => (waitingAt(c.id, f.to) ? '|' : ''));
    if (bars.some((b) => b)) out.push(row(bars));
    const lines = wrap(`(${range}: ${f.who.join(', ')})`, '', ' ', width - PREFIX);
    lines.forEach((l) => out.push(`${pad('', PREFIX)}${l}`.trimEnd()));
    if (bars.some((b) => b)) out.push(row(bars));
  };
  for (const s of view.steps) {
    if (s.lane === null) continue;
    const c = colIndex.get(s.lane);
    if (c === undefined) {
      if (folded === null) folded = { from: s.step, to: s.step, who: [] };
      folded.to = s.step;
      if (!folded.who.includes(s.lane)) folded.who.push(s.lane);
      continue;
    }
    flush();
    const head = s.detail !== undefined && colW >= 28 ? `${s.title} (${s.detail})` : s.title;
    const cellLines = [...cellWrap(head, colW, '  '), ...s.lines.flatMap((t) => cellWrap(t, colW, '  '))];
    cellLines.forEach((text, li) => {
      const cells = cols.map((col, ci) => (ci === c ? text : waitingAt(col.id, s.step) ? '|' : ''));
      out.push(row(cells, li === 0 ? `${String(s.step).padStart(3)}.` : ''));
    });
  }
  flush();
  out.push('');
  if (view.cycle.length) {
    const names = view.cycle.map((e) => e.from);
    out.push(...wrap(`*** DEADLOCK *** ${[...names, view.cycle[view.cycle.length - 1].to].join(' -> ')}`, '', '    ', width));
  }
  const notDrawn = others.length ? others : [];
  if (notDrawn.length) out.push(...wrap(`Not drawn (${view.cycle.length ? 'not in the cycle' : 'no room'}), folded into the lines in parentheses: ${notDrawn.join(', ')}.`, '', '  ', width));
  while (out.length && out[out.length - 1] === '') out.pop();
  return out.map((l) => toAscii(l).trimEnd());
}
