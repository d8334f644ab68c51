/**
 * The `mail` format: a counterexample as plain text that a kernel developer
 * pastes into a reply on the list.
 *
 * - at most 72 columns, ASCII only (no colour, no box drawing; the few
 *   non-ASCII characters a model might use are transliterated);
 * - a one-paragraph summary: stack, workload, fix set, verdict, trace length,
 *   states explored and how;
 * - for each violation (each remaining deadlock class with `--all-violations`):
 *   the wait-for cycle, one line per edge (`task -> task it waits for`), with
 *   what each task waits for underneath; the swimlane of the trace, one column
 *   per task of the cycle, in lockdep's style (swimlane.ts); every blocked task's backtrace in
 *   kernel style, innermost frame first, with the effective GFP mask at the
 *   allocation and reclaim frames; then the numbered minimal trace, one line
 *   per step (`task: action`);
 * - the exact command that reproduces it (every model parameter spelled out,
 *   so that a change of defaults does not change what it checks).
 *
 * It reads only the JSON report (see checker/report/report.ts), so
 * `gfpcheck render report.json --format mail` gives the same text as the
 * run that wrote the report.
 *
 * @module
 */
import type { Renderer, Report, ReportStep, ReportViolation } from '../../checker/report';
import { swimlaneLines } from './swimlane';
import { classLabel, COMPLETION_WITNESS, deadlockInevitable } from '../verify/classes';

/** The widest line the renderer writes. */
export const MAIL_WIDTH = 72;

const TRANSLIT: Readonly<Record<string, string>> = {
  '\u2192': '->',
  '\u2190': '<-',
  '\u2014': '--',
  '\u2013': '-',
  '\u2026': '...',
  '\u00d7': 'x',
  '\u2265': '>=',
  '\u2264': '<=',
  '\u2018': "'",
  '\u2019': "'",
  '\u201c': '"',
  '\u201d': '"',
  '\u00a0': ' ',
};

/** Replaces non-ASCII characters: known ones by an ASCII spelling, others by `?`. */
export function toAscii(s: string): string {
  return s.replace(/[^\x00-\x7e]/g, (c) => TRANSLIT[c] ?? '?').replace(/[\x00-\x08\x0b-\x1f]/g, ' ');
}

/**
 * Wraps text to `width` columns: the first line starts with `first`, the
 * others with `rest`. Breaks at spaces; a word longer than a line is broken
 * after a `|`, `/` or `,` if it has one, else hard.
 */
export function wrap(text: string, first = '', rest = first, width = MAIL_WIDTH): string[] {
  const words = toAscii(text).split(/\s+/).filter((w) => w !== '');
  const lines: string[] = [];
  let line = first;
  let fresh = true;
  const room = () => width - line.length;
  const push = () => {
    lines.push(line.trimEnd());
    line = rest;
    fresh = true;
  };
  for (let w of words) {
    const sep = fresh ? '' : ' ';
    if (sep.length + w.length <= room()) {
      line += sep + w;
      fresh = false;
      continue;
    }
    if (!fresh) push();
    while (w.length > room()) {
      const max = room();
      const cut = Math.max(w.lastIndexOf('|', max - 1), w.lastIndexOf('/', max - 1), w.lastIndexOf(',', max - 1));
      const at = cut > 0 ? cut + 1 : max;
      line += w.slice(0, at);
      w = w.slice(at);
      push();
    }
    line += w;
    fresh = false;
  }
  if (!fresh || lines.length === 0) lines.push(line.trimEnd());
  return lines;
}

const isRecord = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
const str = (x: unknown): string => (typeof x === 'string' ? x : JSON.stringify(x));
const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

/** Report params that are not model parameters. */
const NON_MODEL_PARAMS = new Set(['stack', 'workload', 'kernel', 'fixes']);

/** The fix names of a report (its `fixes` param: `none` or `a + b`). */
export function fixesOf(r: Report): string[] {
  const f = r.params.fixes;
  if (typeof f !== 'string' || f === '' || f === 'none') return [];
  return f.split('+').map((s) => s.trim());
}

/** The command that reproduces a report: `gfpcheck check --stack ... --format mail`. */
export function reproduceCommand(r: Report): string[] {
  const p = r.params;
  const args: string[] = ['gfpcheck', 'check'];
  if (typeof p.stack === 'string') {
    args.push('--stack', p.stack, '--workload', String(p.workload ?? 'write'));
    // a kernel profile other than the report's 5.2 (specs/profiles.ts labels them v5.10, v6.14)
    if (typeof p.kernel === 'string' && /^v\d/.test(p.kernel) && p.kernel !== 'v5.2') args.push('--kernel', p.kernel.slice(1));
    for (const f of fixesOf(r)) args.push('--fix', f);
    for (const [k, v] of Object.entries(p)) if (!NON_MODEL_PARAMS.has(k)) args.push('--param', `${k}=${String(v)}`);
  } else {
    args.push(r.spec);
    for (const [k, v] of Object.entries(p)) args.push('--const', `${k}=${String(v)}`);
  }
  const o = r.options;
  if (o) {
    if (o.strategy !== 'bfs') args.push('--strategy', o.strategy);
    if (o.store !== 'fingerprint') args.push('--store', o.store);
    if (o.capacity !== undefined) args.push('--capacity', `2^${Math.log2(o.capacity)}`);
    if (!o.symmetry) args.push('--no-symmetry');
    if (o.maxStates !== undefined) args.push('--max-states', String(o.maxStates));
    if (o.maxDepth !== undefined) args.push('--max-depth', String(o.maxDepth));
    if (o.allViolations) args.push('--all-violations');
    if (o.checkDeadlock === false) args.push('--no-deadlock');
    if (o.maxOmission !== undefined) args.push('--max-omission', String(o.maxOmission));
  }
  args.push('--format', 'mail');
  // one option (with its value) per line, shell continuations
  const parts: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i].startsWith('--') && i + 1 < args.length && !args[i + 1].startsWith('--')) {
      parts.push(`${args[i]} ${args[i + 1]}`);
      i++;
    } else parts.push(args[i]);
  }
  const lines: string[] = [];
  let line = '  $';
  for (const part of parts) {
    if (line.length + 1 + part.length + 2 > MAIL_WIDTH && line !== '  $') {
      lines.push(`${line} \\`);
      line = '     ';
    }
    line += ` ${part}`;
  }
  lines.push(line);
  return lines.map(toAscii);
}

function findings(r: Report): { head: string; text: string } {
  if (r.result === 'error') return { head: 'error', text: `The check failed: ${r.error?.code ?? 'error'} ${r.error?.message ?? ''}.` };
  const deadlocks = r.violations.filter((v) => v.kind === 'deadlock');
  const others = r.violations.filter((v) => v.kind !== 'deadlock');
  const parts: string[] = [];
  // Each class with its stable label (specs/verify/classes.ts), as in the matrix and docs/fixes.md,
  // and its category (recursion, lock, exhaustion: docs/routes.md).
  const named = (v: ReportViolation): string => (v.class !== undefined ? `[${classLabel(v.class)}] ${v.class}${typeof v.category === 'string' ? ` (${v.category})` : ''}` : 'unnamed');
  if (deadlocks.length === 1) parts.push(`1 deadlock class, ${named(deadlocks[0])}`);
  if (deadlocks.length > 1) {
    parts.push(`${deadlocks.length} deadlock classes: ${deadlocks.map(named).join('; ')}`);
  }
  for (const v of others) parts.push(`a violation of the ${v.kind} ${v.property}`);
  if (parts.length === 0) {
    return r.complete
      ? { head: 'no deadlock', text: 'finds no deadlock and no invariant violation.' }
      : { head: 'search incomplete', text: `finds nothing wrong so far, but it is incomplete${r.incompleteReason ? ` (${r.incompleteReason})` : ''}.` };
  }
  const lens = r.violations.map((v) => v.trace.length - 1);
  const len = r.violations.length === 1 ? `its minimal trace has ${plural(lens[0], 'step')}` : `the shortest trace has ${plural(Math.min(...lens), 'step')}`;
  const exhaustionOnly = deadlocks.length > 0 && deadlocks.every((v) => v.category === 'exhaustion');
  const head = exhaustionOnly ? 'memory exhaustion (only exhaustion classes)' : deadlocks.length ? 'deadlock' : `${others[0].kind} violated`;
  const inevitable = deadlockInevitable(r)
    ? ` The deadlock is inevitable at these bounds, not merely reachable: no execution completes the workload (the witness ${COMPLETION_WITNESS} is never reached).`
    : '';
  return { head, text: `finds ${parts.join(' and ')}; ${len}.${inevitable}` };
}

/** The summary paragraph: stack, workload, kernel model, fix set, verdict, trace length, states explored. */
export function summary(r: Report): string[] {
  const p = r.params;
  const fixes = fixesOf(r);
  const modelParams = Object.entries(p)
    .filter(([k]) => !NON_MODEL_PARAMS.has(k))
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(' ');
  const f = findings(r);
  const subject =
    typeof p.stack === 'string'
      ? `${p.stack}, ${String(p.workload ?? 'write')} workload,${p.kernel !== undefined ? ` ${String(p.kernel)} kernel model,` : ''} fix set: ${fixes.length ? fixes.join(' + ') : 'none'}`
      : `spec ${r.spec}`;
  const search =
    `${r.options?.strategy === 'dfs' ? 'A depth-first' : 'A breadth-first'} search of ${r.complete ? 'the whole reachable state space' : 'part of the state space'} ` +
    `(${plural(r.stats.distinctStates, 'distinct state')}, ${r.stats.store} store${r.options?.allViolations ? ', every deadlock class' : ''})`;
  return wrap(`gfpcheck ${r.version}: ${f.head} in ${subject}${modelParams ? `, checked at the bounds [${modelParams}]` : ''}. ${search} ${f.text}`);
}

/** The wait-for cycle: one line per edge, then what each task waits for. */
export function cycleLines(v: ReportViolation): string[] {
  const cycle = Array.isArray(v.cycle) ? v.cycle.filter(isRecord) : [];
  if (cycle.length === 0) return [];
  const out = ['Wait-for cycle (each task waits for the next):', ''];
  const w = Math.max(...cycle.map((e) => str(e.task).length));
  for (const e of cycle) {
    const line = toAscii(`  ${str(e.task).padEnd(w)} -> ${str(e.next)}  (in ${str(e.at)})`);
    out.push(...(line.length <= MAIL_WIDTH ? [line] : wrap(line, '  ', '      ')));
  }
  out.push('');
  for (const e of cycle) out.push(...wrap(`${str(e.task)} waits for ${str(e.waitsFor)}.`, '  ', '    '));
  return out;
}

/** The final state's task list (name, role, flags), when the spec formats states that way. */
function tasksOf(v: ReportViolation): Map<string, { flags: string[]; role?: string }> {
  const last = v.trace[v.trace.length - 1]?.state;
  const m = new Map<string, { flags: string[]; role?: string }>();
  if (isRecord(last) && Array.isArray(last.tasks)) {
    for (const t of last.tasks.filter(isRecord)) {
      m.set(str(t.name), { flags: Array.isArray(t.flags) ? t.flags.map(str) : [], ...(typeof t.role === 'string' ? { role: t.role } : {}) });
    }
  }
  return m;
}

/** One backtrace frame: `fn (detail)` and, for allocation/reclaim frames, `gfp=MASK`. */
function frameLines(frame: string): string[] {
  const m = /^(.*?)\s*\[([^\]]+)\]$/.exec(frame);
  if (!m) return wrap(frame, ' ', '   ');
  return wrap(`${m[1]} gfp=${m[2]}`, ' ', '   ');
}

/** Every blocked task's backtrace, kernel style (innermost first). */
export function backtraceLines(v: ReportViolation): string[] {
  const bts = isRecord(v.backtraces) ? v.backtraces : {};
  const tasks = tasksOf(v);
  const cycleTasks = new Set(Array.isArray(v.cycle) ? v.cycle.filter(isRecord).map((e) => str(e.task)) : []);
  const names = Object.keys(bts).sort((a, b) => Number(cycleTasks.has(b)) - Number(cycleTasks.has(a)));
  const out: string[] = [];
  for (const name of names) {
    const frames = Array.isArray(bts[name]) ? (bts[name] as unknown[]).map(str) : [];
    const t = tasks.get(name);
    const flags = t && t.flags.length ? t.flags.join('|') : '0';
    out.push(...wrap(`task:${name} state:D flags:${flags}${cycleTasks.has(name) ? '' : ' (blocked, not in the cycle)'}`), 'Call Trace:');
    for (const f of frames) out.push(...frameLines(f));
    out.push('');
  }
  return out;
}

/** `writer/0: sys_pwrite`, `tcmu-runner: __alloc_pages_slowpath (LRU frees a clean xfs page)`. */
export function stepText(s: ReportStep): string {
  const action = s.action ?? 'initial state';
  if (s.params === null || s.params === undefined) return action;
  const [who, ...rest] = (typeof s.params === 'string' ? s.params : JSON.stringify(s.params)).split(', ');
  const bare = action.endsWith(`(${who})`) ? action.slice(0, -(who.length + 2)) : action;
  return `${who}: ${bare}${rest.length ? ` (${rest.join(', ')})` : ''}`;
}

/** The numbered minimal trace, one line per step. */
export function traceLines(v: ReportViolation): string[] {
  const steps = v.trace.filter((s) => s.action !== null);
  const w = String(steps.length).length;
  const out: string[] = [];
  steps.forEach((s, i) => {
    const n = `${String(i + 1).padStart(w)}. `;
    out.push(...wrap(stepText(s), `  ${n}`, ' '.repeat(2 + n.length + 2)));
  });
  return out;
}

/**
 * A temporal violation's lasso: the numbered steps up to the loop, then the
 * cycle repeated forever (or stuttering: the last state, forever).
 */
export function lassoLines(v: ReportViolation): string[] {
  const loop = v.loop ?? v.trace.length - 1;
  const steps = v.trace.filter((s) => s.action !== null);
  const stutter = !v.loopStep || v.loopStep.action === null;
  const closing: ReportStep | undefined = stutter ? undefined : { step: v.trace.length, action: v.loopStep!.action, params: v.loopStep!.params, state: null };
  const all = closing ? [...steps, closing] : steps;
  const w = String(Math.max(1, all.length)).length;
  const out: string[] = [
    ...wrap(
      stutter
        ? `Lasso: ${plural(loop, 'step')} from the initial state, then nothing that the fairness conditions require happens, forever:`
        : `Lasso: ${plural(loop, 'step')} from the initial state, then a cycle of ${plural(all.length - loop, 'step')} repeated forever:`,
    ),
    '',
  ];
  all.forEach((s, i) => {
    if (i === loop && !stutter) out.push('  -- the cycle starts here --');
    const n = `${String(i + 1).padStart(w)}. `;
    out.push(...wrap(stepText(s), `  ${n}`, ' '.repeat(2 + n.length + 2)));
  });
  out.push(stutter ? '  -- then stuttering: the last state, forever --' : loop === 0 ? '  -- back to the initial state --' : `  -- back to the state after step ${loop} --`);
  return out;
}

function violationTitle(v: ReportViolation, i: number, n: number): string {
  if (v.kind === 'temporal') {
    const t = `Temporal property ${v.property} violated${v.class ? `: livelock ${v.class}` : ''}`;
    return n > 1 ? `${i + 1}/${n}. ${t}` : t;
  }
  const what = v.kind === 'deadlock' ? `Deadlock${v.class ? ` ${classLabel(v.class)}: ${v.class}` : ''}` : `${v.kind === 'invariant' ? 'Invariant' : 'Property'} ${v.property} violated`;
  return n > 1 ? `${i + 1}/${n}. ${what}` : what;
}

/** The mail text of a report. */
export function renderMail(r: Report): string {
  const out: string[] = [...summary(r), ''];
  r.violations.forEach((v, i) => {
    const title = violationTitle(v, i, r.violations.length);
    out.push(...wrap(title), '-'.repeat(Math.min(MAIL_WIDTH, toAscii(title).length)), '');
    const cyc = cycleLines(v);
    if (cyc.length) out.push(...cyc, '');
    const lane = swimlaneLines(r, v);
    if (lane.length) out.push(...lane, '');
    const bt = backtraceLines(v);
    if (bt.length) out.push(...(bt.length ? ['Blocked tasks, innermost frame first, with the effective GFP mask at', 'allocation and reclaim frames:', ''] : []), ...bt);
    if (v.kind === 'temporal') out.push(...lassoLines(v), '');
    else out.push(`Minimal trace (${plural(v.trace.length - 1, 'step')}, from the initial state):`, '', ...traceLines(v), '');
  });
  out.push('To reproduce:', '', ...reproduceCommand(r));
  return `${out.map((l) => toAscii(l).trimEnd()).join('\n')}\n`;
}

/** The `mail` renderer, for `--format mail` in `check`, `render` and `main`. */
export const mailRenderer: Renderer = {
  name: 'mail',
  description: 'plain text for a mailing-list reply: 72 columns, ASCII; summary, wait-for cycle, kernel-style backtraces, minimal trace, command',
  render: renderMail,
};
