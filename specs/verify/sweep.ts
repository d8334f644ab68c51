/**
 * `gfpcheck sweep --stack S [--workload W] [--fix F ...] [--kernel K]
 * --param NAME=A..B [--param NAME=V ...] [--format text|json]`: one
 * configuration checked over a grid of bounds.
 *
 * Every point of the grid (the cartesian product of the ranges, the first
 * `--param` varying slowest) is an exhaustive BFS with the options of the
 * verify gate (fingerprint store, all violations, symmetry). For each point
 * it prints the verdict, the remaining classes by category (recursion, lock,
 * exhaustion: docs/routes.md), the distinct states and the seconds, and where
 * the verdict changes: a point whose verdict differs from its neighbour one
 * step lower on some axis names that axis.
 *
 * Exit codes: 0 when every point was decided (whatever the verdicts), 151 for
 * a usage error (bad range, unknown parameter, stack or fix), 152 when a
 * search was incomplete, 150/153/255 when a check failed.
 *
 * @module
 */
import { ExitCode, exitCodeForError, printFailure, single, usage, ok, err } from '../../checker/cli';
import type { Argv, CliContext, CommandModule, Failure, ResolvedCliConfig, Result } from '../../checker/cli';
import type { CellResult } from './run';
import type { Column, Row, Verdict } from './expectations';
import { loadRunner } from './command';

export interface SweepAxis {
  readonly name: string;
  readonly values: readonly number[];
}

export interface SweepOptions {
  readonly stack: string;
  readonly workload: 'write' | 'read';
  readonly fixes: readonly string[];
  readonly kernel?: string;
  /** Parameters with one value. */
  readonly fixed: Readonly<Record<string, string>>;
  /** Parameters with a range, in the order given. */
  readonly axes: readonly SweepAxis[];
  readonly format: 'text' | 'json';
}

/** One point of the grid and what the model gives there. */
export interface SweepPoint {
  readonly params: Readonly<Record<string, number>>;
  readonly verdict: Verdict;
  /** Remaining classes by category (`recursion`, `lock`, `exhaustion`; `invariant` for violated invariants). */
  readonly classes: Readonly<Record<string, readonly string[]>>;
  readonly states: number;
  readonly seconds: number;
  /** Axes along which the verdict differs from the neighbour one step lower (e.g. `writers 1->2: holds -> exhaustion`). */
  readonly changes: readonly string[];
}

const MAX_POINTS = 64;

const asList = (raw: unknown): string[] => (raw === undefined ? [] : Array.isArray(raw) ? raw.map(String) : [String(raw)]);

/** Pure: argv of `sweep`. */
export function validateSweepArgv(argv: Argv): Result<Failure, SweepOptions> {
  const stack = single('stack', argv.stack);
  if (!stack.ok) return stack;
  if (!stack.value) return err(usage('sweep needs --stack', 'e.g. gfpcheck sweep --stack report-2019 --param writers=1..2'));
  const workload = single('workload', argv.workload);
  if (!workload.ok) return workload;
  const w = workload.value ?? 'write';
  if (w !== 'write' && w !== 'read') return err(usage(`invalid value '${w}' for --workload`, 'choices: write, read'));
  const kernel = single('kernel', argv.kernel);
  if (!kernel.ok) return kernel;
  const format = single('format', argv.format);
  if (!format.ok) return format;
  const f = format.value ?? 'text';
  if (f !== 'text' && f !== 'json') return err(usage(`invalid value '${f}' for --format`, 'choices: text, json'));
  const fixed: Record<string, string> = {};
  const axes: SweepAxis[] = [];
  for (const p of asList(argv.param)) {
    const m = /^([a-z_]+)=(.*)$/.exec(p);
    if (!m) return err(usage(`--param ${p}: expected NAME=VALUE or NAME=A..B`, 'e.g. --param writers=1..3 --param pages=2..4'));
    const [, name, value] = m;
    if (name in fixed || axes.some((a) => a.name === name)) return err(usage(`--param ${name} is given twice`));
    const r = /^(\d+)\.\.(\d+)$/.exec(value);
    if (r) {
      const lo = Number(r[1]);
      const hi = Number(r[2]);
      if (lo > hi) return err(usage(`--param ${p}: the range is empty (${lo} > ${hi})`));
      axes.push({ name, values: Array.from({ length: hi - lo + 1 }, (_, i) => lo + i) });
    } else if (/^\d+$/.test(value)) fixed[name] = value;
    else return err(usage(`--param ${p}: '${value}' is neither an integer nor a range A..B`));
  }
  const points = axes.reduce((n, a) => n * a.values.length, 1);
  if (points > MAX_POINTS) return err(usage(`the grid has ${points} points; at most ${MAX_POINTS} are allowed`, 'narrow the ranges'));
  return ok({
    stack: stack.value,
    workload: w,
    fixes: asList(argv.fix),
    ...(kernel.value !== undefined ? { kernel: kernel.value } : {}),
    fixed,
    axes,
    format: f,
  });
}

/** The points of the grid, first axis slowest. */
export function gridPoints(axes: readonly SweepAxis[]): Record<string, number>[] {
  let pts: Record<string, number>[] = [{}];
  for (const a of axes) pts = pts.flatMap((p) => a.values.map((v) => ({ ...p, [a.name]: v })));
  return pts;
}

const key = (p: Readonly<Record<string, number>>): string => JSON.stringify(Object.entries(p).sort());

/** Groups a cell's classes by the category of each (from the engine's violations). */
export function classesByCategory(c: CellResult): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const v of c.result.violations) {
    const cat = v.kind === 'deadlock' ? (v.category ?? 'uncategorised') : 'invariant';
    const name = v.kind === 'deadlock' ? (v.class ?? 'deadlock') : `invariant ${v.property}`;
    (out[cat] ??= []).push(name);
  }
  for (const k of Object.keys(out)) out[k].sort();
  return out;
}

/** Runs the grid. Throws StackError/FixError/ProfileError for bad input (the caller turns them into usage errors). */
export function runSweep(o: SweepOptions, clock: () => number, onPoint?: (p: SweepPoint, i: number, n: number) => void): SweepPoint[] {
  const runner = require('./run') as typeof import('./run');
  const row: Row = { fixes: [...o.fixes], ...(o.kernel !== undefined ? { kernel: o.kernel } : {}), cells: {} } as Row;
  const pts = gridPoints(o.axes);
  const out: SweepPoint[] = [];
  const byKey = new Map<string, SweepPoint>();
  pts.forEach((p, i) => {
    const params: Record<string, string> = { ...o.fixed };
    for (const [k, v] of Object.entries(p)) params[k] = String(v);
    const column: Column = { id: 'sweep', title: 'sweep', kind: 'safety', stack: o.stack, workload: o.workload, params, description: 'sweep point' } as Column;
    const cell = runner.runCell(row, column, undefined, clock, { liveness: false });
    const changes: string[] = [];
    for (const a of o.axes) {
      const idx = a.values.indexOf(p[a.name]);
      if (idx <= 0) continue;
      const prev = byKey.get(key({ ...p, [a.name]: a.values[idx - 1] }));
      if (prev && prev.verdict !== cell.actual.verdict) changes.push(`${a.name} ${a.values[idx - 1]}->${p[a.name]}: ${prev.verdict} -> ${cell.actual.verdict}`);
    }
    const point: SweepPoint = { params: p, verdict: cell.actual.verdict, classes: classesByCategory(cell), states: cell.actual.states, seconds: cell.actual.seconds, changes };
    byKey.set(key(p), point);
    out.push(point);
    onPoint?.(point, i, pts.length);
  });
  return out;
}

/** The text table of a sweep. */
export function renderSweepText(o: SweepOptions, pts: readonly SweepPoint[]): string {
  const lines: string[] = [];
  const fixed = Object.entries(o.fixed).map(([k, v]) => `${k}=${v}`);
  lines.push(
    `gfpcheck sweep: ${o.stack}, ${o.workload}, ${o.kernel ?? 'kernel 5.2'}, fixes ${o.fixes.length ? o.fixes.join(' + ') : 'none'}${fixed.length ? `, ${fixed.join(' ')}` : ''}; other parameters at their defaults`,
    'search: exhaustive BFS, fingerprint store (64-bit), all violations, symmetry on (the options of gfpcheck verify)',
    '',
  );
  const head = [...o.axes.map((a) => a.name), 'verdict', 'recursion', 'lock', 'exhaustion', 'states', 'seconds'];
  const rows = pts.map((p) => [
    ...o.axes.map((a) => String(p.params[a.name])),
    p.verdict,
    String(p.classes.recursion?.length ?? 0),
    String(p.classes.lock?.length ?? 0),
    String(p.classes.exhaustion?.length ?? 0),
    p.states.toLocaleString('en-US'),
    p.seconds.toFixed(1),
  ]);
  const width = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const fmt = (r: string[]) => r.map((c, i) => c.padEnd(width[i])).join('  ').trimEnd();
  lines.push(fmt(head), ...rows.map(fmt), '');
  const changes = pts.flatMap((p) => p.changes.map((c) => `  at ${Object.entries(p.params).map(([k, v]) => `${k}=${v}`).join(' ')}: ${c}`));
  lines.push(changes.length ? 'The verdict changes:' : 'The verdict is the same at every point.', ...changes);
  const classes = new Map<string, string>();
  for (const p of pts) for (const [cat, cs] of Object.entries(p.classes)) for (const c of cs) classes.set(c, cat);
  if (classes.size) {
    lines.push('', 'Classes (category), at any point:');
    for (const [c, cat] of [...classes].sort((a, b) => a[0].localeCompare(b[0]))) lines.push(`  ${c} (${cat})`);
  }
  return `${lines.join('\n')}\n`;
}

/** Runs `sweep`; resolves to the exit code. */
export function runSweepCommand(o: SweepOptions, ctx: CliContext): number {
  const runner = loadRunner();
  if (!runner.ok) return printFailure(runner.error, ctx.io);
  let pts: SweepPoint[];
  try {
    pts = runSweep(o, () => ctx.io.clock(), (p, i, n) => {
      if (o.format === 'text') ctx.io.stderr(`sweep: point ${i + 1}/${n}: ${Object.entries(p.params).map(([k, v]) => `${k}=${v}`).join(' ') || 'defaults'}: ${p.verdict}\n`);
    });
  } catch (e) {
    const name = e instanceof Error ? e.name : '';
    if (name === 'StackError' || name === 'FixError' || name === 'ProfileError') return printFailure(usage(e instanceof Error ? e.message : String(e), "'gfpcheck list stacks|params' and docs/fixes.md say what exists"), ctx.io);
    // a fix module (--fix ./my-fix.ts) that cannot be used: MC101, as for check
    if (name === 'FixModuleError') return printFailure({ kind: 'spec', error: { code: 'MC101', message: e instanceof Error ? e.message : String(e) } }, ctx.io);
    throw e;
  }
  if (o.format === 'json') {
    ctx.io.stdout(`${JSON.stringify({ tool: 'gfpcheck', command: 'sweep', stack: o.stack, workload: o.workload, kernel: o.kernel ?? '5.2', fixes: o.fixes, fixed: o.fixed, axes: o.axes, points: pts }, null, 2)}\n`);
  } else ctx.io.stdout(renderSweepText(o, pts));
  if (pts.some((p) => p.verdict === 'error')) return exitCodeForError('MC501');
  if (pts.some((p) => p.verdict === 'incomplete')) return ExitCode.incomplete;
  return ExitCode.ok;
}

/** The `sweep` command. */
export function sweepCommand(_cfg: ResolvedCliConfig): CommandModule<SweepOptions> {
  return {
    command: 'sweep',
    describe: 'Check one configuration over a grid of bounds (--param NAME=A..B): verdict, classes by category, states and seconds per point, and where the verdict changes',
    options: {
      stack: { type: 'string', requiresArg: true, describe: 'Stack (layers top to bottom, or a named stack)' },
      workload: { choices: ['write', 'read'], requiresArg: true, describe: 'Workload (default write)' },
      fix: { type: 'string', array: true, requiresArg: true, describe: 'A fix to apply (repeatable; docs/fixes.md)' },
      kernel: { type: 'string', requiresArg: true, describe: 'Kernel profile (default 5.2)' },
      param: { type: 'string', array: true, requiresArg: true, describe: 'NAME=VALUE or NAME=A..B (an axis of the grid; repeatable)' },
      format: { choices: ['text', 'json'], requiresArg: true, describe: 'Output format (default text)' },
    },
    examples: [
      ['gfpcheck sweep --stack report-2019 --fix io-flusher --fix tcmu-gfp-noio --param writers=1..2 --param dirty_limit=1..2', 'Where does a fix stop holding?'],
      ['gfpcheck sweep --stack loop-ext4 --param pages=2..4 --format json', 'Memory as an axis, as JSON'],
    ],
    validate: (argv) => validateSweepArgv(argv),
    run: (o, ctx) => runSweepCommand(o, ctx),
  };
}
