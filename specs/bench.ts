/**
 * `npm run bench`: throughput and memory of the engine on the specs TLC and
 * SPIN figures are quoted for (a K-counter model of 10^6 and 10^7 states, and
 * Lamport's TwoPhase), and the targets of issue 9 on the kernel model
 * (`gfpcheck` command lines: writers=2 write and read checks, `verify`,
 * writers=3 pages=5), each case in a fresh process so that peak RSS is its
 * own. Prints one JSON object on stdout: the `results`, and the `targets` of
 * issue 9 that those results judge (`judgeTargets`; docs/architecture.md,
 * "The issue-9 targets in the bench output"). No test asserts a figure:
 * speed and memory are measured, not tested.
 *
 * Usage: `npm run bench [-- [--against DIR] [--repeat N] CASE ...]` (default:
 * every case but the slow ones, which are named explicitly). `--against DIR`
 * runs the command-line cases also with DIR's bin/gfpcheck (e.g. a checkout
 * of an earlier commit), interleaved A B A B, `--repeat` times each.
 *
 * @module
 */
import { spawnSync } from 'child_process';
import * as path from 'path';
import { AnySpec, check, CheckOptions } from '../checker';
import { counter, counterPacked, twoPhase, twoPhasePacked } from './reference';
import { PACKAGE_ROOT } from './paths';

/** A case that runs a gfpcheck command line (timed from outside: wall and CPU of the whole process, workers included). */
interface CliCase {
  readonly name: string;
  readonly note: string;
  readonly argv: readonly string[];
  /** Only run when named. */
  readonly slow?: boolean;
}

const W2 = ['check', '--stack', 'report-2019', '--param', 'writers=2', '--all-violations', '--format', 'json', '--quiet'];
const cliCases: readonly CliCase[] = [
  {
    name: 'report2019-write',
    note: 'check --stack report-2019 --all-violations at the base bounds (writers=1): the kernel model on one cell',
    argv: ['check', '--stack', 'report-2019', '--all-violations', '--format', 'json', '--quiet'],
  },
  { name: 'writers2-write-w1', note: 'check --stack report-2019 --param writers=2 --all-violations, 1 worker', argv: [...W2, '--workers', '1'] },
  { name: 'writers2-write-w2', note: 'the same with 2 workers', argv: [...W2, '--workers', '2'] },
  { name: 'writers2-read-w1', note: 'the same with --workload read, 1 worker', argv: [...W2, '--workload', 'read', '--workers', '1'] },
  { name: 'writers2-read-w2', note: 'the same with --workload read, 2 workers', argv: [...W2, '--workload', 'read', '--workers', '2'] },
  { name: 'verify-w1', note: 'gfpcheck verify (the whole matrix), cells one after another', argv: ['verify', '--quiet', '--format', 'json', '--workers', '1'] },
  { name: 'verify-w2', note: 'gfpcheck verify, 2 cells at once on worker threads', argv: ['verify', '--quiet', '--format', 'json', '--workers', '2'] },
  {
    name: 'ladder-w2',
    note: 'gfpcheck verify --ladder pinned: every cell and every pinned bound-ladder rung, 2 cells at once (npm run bench:ladder)',
    argv: ['verify', '--ladder', 'pinned', '--quiet', '--format', 'json', '--workers', '2'],
    slow: true,
  },
  { name: 'help', note: 'gfpcheck --help: start-up of the compiled build (issue 9: <= 0.3 s)', argv: ['--help'] },
  { name: 'list', note: 'gfpcheck list: start-up plus the catalogue of stacks, fixes and params', argv: ['list'] },
  {
    name: 'writers3-pages5',
    note: 'check --stack report-2019 --param writers=3 --param pages=5 --all-violations --no-liveness --store compact:48 --capacity 2^29 --memory 12G, 1 worker: every deadlock class (safety only; 139,367,566 states, 51 minutes on a quiet machine)',
    argv: [...W2.slice(0, 4), 'writers=3', '--param', 'pages=5', ...W2.slice(5), '--no-liveness', '--store', 'compact:48', '--capacity', '2^29', '--memory', '12G', '--workers', '1'],
    slow: true,
  },
];

/** One target of issue 9, judged from the results of this run. */
export interface TargetVerdict {
  readonly target: string;
  readonly goal: string;
  /** What this run measured (absent: the run did not include the case the target needs). */
  readonly measured?: number | string;
  /** true / false; absent when not measured. */
  readonly met?: boolean;
}

type BenchRow = Readonly<Record<string, unknown>>;

/**
 * The issue-9 targets that the results of one bench run can judge. A target
 * whose case was not run is listed without `measured`; the writers=2 speed-up
 * needs `--against` a checkout of bfe493f (the ratio is the baseline's wall
 * time over this tree's, per case, from the interleaved runs, median).
 */
export function judgeTargets(results: readonly BenchRow[], root: string): TargetVerdict[] {
  const own = (name: string): BenchRow[] => results.filter((r) => r.case === name && (r.root === undefined || r.root === root));
  const base = (name: string): BenchRow[] => results.filter((r) => r.case === name && r.root !== undefined && r.root !== root);
  const median = (xs: number[]): number => {
    const s = [...xs].sort((a, b) => a - b);
    return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  };
  const num = (rows: BenchRow[], field: string): number[] => rows.map((r) => r[field]).filter((x): x is number => typeof x === 'number');
  const out: TargetVerdict[] = [];
  const judge = (target: string, goal: string, measured: number | string | undefined, met: () => boolean): void => {
    out.push(measured === undefined ? { target, goal } : { target, goal, measured, met: met() });
  };
  /** A target on the median of some measured numbers (none: not measured). */
  const numeric = (target: string, goal: string, xs: number[], ok: (m: number) => boolean): void => {
    const m = xs.length ? median(xs) : undefined;
    judge(target, goal, m, () => ok(m as number));
  };
  for (const name of ['writers2-write-w1', 'writers2-write-w2', 'writers2-read-w1', 'writers2-read-w2']) {
    const a = num(own(name), 'wallSeconds');
    const b = num(base(name), 'wallSeconds');
    const speedUp = a.length && b.length ? +(median(b) / median(a)).toFixed(2) : undefined;
    judge(`${name}: wall speed-up over the --against checkout (bfe493f)`, '>= 10', speedUp, () => (speedUp as number) >= 10);
  }
  numeric('verify-w2: the whole matrix and its CI ladder, wall seconds', '<= 10', num(own('verify-w2'), 'wallSeconds'), (m) => m <= 10);
  const w3 = own('writers3-pages5');
  judge('writers3-pages5 completes (result, distinct states)', 'a verdict from a complete search', w3.length ? `${String(w3[0].result)}${w3[0].complete === false ? ' (incomplete search)' : ''}, ${String(w3[0].distinctStates)} states` : undefined, () => w3.every((r) => r.exit !== null && r.result !== undefined && r.result !== 'incomplete' && r.result !== 'error' && r.complete !== false));
  numeric('counter-1e7-w2: distinct states per second, 2 workers', '>= 2000000', num(own('counter-1e7-w2'), 'distinctPerSecond'), (m) => m >= 2_000_000);
  numeric('counter-1e7-w2: bytes per state, visited set plus parent links', '<= 16', num(own('counter-1e7-w2'), 'bytesPerState'), (m) => m <= 16);
  numeric('help: gfpcheck --help, wall seconds', '<= 0.3', num(own('help'), 'wallSeconds'), (m) => m <= 0.3);
  return out;
}

/** Runs a command-line case with the gfpcheck of `root`; wall and CPU seconds, peak RSS, and what the JSON says. */
function runCli(c: CliCase, root: string): Record<string, unknown> {
  const bin = path.join(root, 'bin', 'gfpcheck');
  const t0 = process.hrtime.bigint();
  const p = spawnSync('/usr/bin/time', ['-f', '%U %S %M', process.execPath, bin, ...c.argv], { encoding: 'utf8', maxBuffer: 1 << 28 });
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  const timeLine = (p.stderr || '').trim().split('\n').pop() ?? '';
  const [user, sys, rssKb] = timeLine.split(' ').map(Number);
  let json: { stats?: Record<string, number>; result?: string; complete?: boolean; violations?: { class?: string }[]; ladder?: { rungs: { states: number }[] }[] } = {};
  try {
    json = JSON.parse(p.stdout) as typeof json;
  } catch {
    json = {};
  }
  const s = json.stats ?? {};
  return {
    case: c.name,
    root,
    note: c.note,
    exit: p.status,
    result: json.result,
    // false when the search stopped short (a limit, the omission bound, a signal), even with a violation found
    ...(json.complete !== undefined ? { complete: json.complete } : {}),
    distinctStates: s.distinctStates,
    ...(json.violations ? { classes: json.violations.length } : {}),
    ...(s.cells !== undefined ? { cells: s.cells } : {}),
    // verify: the rung cells it ran (the base cells are `cells` and `distinctStates`)
    ...(json.ladder ? { rungCells: json.ladder.reduce((n, l) => n + l.rungs.length, 0), rungStates: json.ladder.reduce((n, l) => n + l.rungs.reduce((m, r) => m + r.states, 0), 0) } : {}),
    wallSeconds: +wall.toFixed(2),
    cpuSeconds: +(user + sys).toFixed(2),
    ...(s.distinctStates && s.seconds ? { distinctPerSecond: Math.round(s.distinctStates / s.seconds) } : {}),
    ...(s.bytesPerState !== undefined ? { bytesPerState: +s.bytesPerState.toFixed(2) } : {}),
    peakRssMiB: Math.round(rssKb / 1024),
  };
}

interface BenchCase {
  readonly name: string;
  readonly note: string;
  build(): AnySpec;
  readonly options: CheckOptions;
}

const cases: readonly BenchCase[] = [
  {
    name: 'counter-1e6',
    note: '6 counters mod 10, packed API',
    build: () => counterPacked({ k: 6, m: 10 }),
    options: { store: { kind: 'fingerprint' } },
  },
  {
    name: 'counter-1e7',
    note: '7 counters mod 10, packed API; --max-omission 1e-5 (the 64-bit bound at 10^7 states is 2.7e-6)',
    build: () => counterPacked({ k: 7, m: 10 }),
    options: { store: { kind: 'fingerprint' }, maxOmission: 1e-5 },
  },
  {
    name: 'counter-1e7-bare',
    note: '7 counters mod 10, packed API, no invariant or witness (exploration alone); --max-omission 1e-5 (the 64-bit bound at 10^7 states is 2.7e-6)',
    build: () => ({ ...counterPacked({ k: 7, m: 10 }), invariants: [], witnesses: [], packedInvariants: [] }),
    options: { store: { kind: 'fingerprint' }, maxOmission: 1e-5 },
  },
  {
    name: 'counter-1e7-compact32',
    note: '7 counters mod 10, packed API, 32-bit hash compaction in 2^24 slots',
    build: () => counterPacked({ k: 7, m: 10 }),
    options: { store: { kind: 'compact', bits: 32 }, capacity: 1 << 24 } as CheckOptions,
  },
  {
    name: 'counter-1e6-record',
    note: '6 counters mod 10, record API',
    build: () => counter({ k: 6, m: 10 }),
    options: { store: { kind: 'fingerprint' } },
  },
  {
    name: 'twophase-7',
    note: "Lamport's TwoPhase, 7 RMs, record API, no symmetry (TLC's state count)",
    build: () => twoPhase({ rm: 7 }),
    options: { store: { kind: 'fingerprint' }, symmetry: false },
  },
  {
    name: 'twophase-8',
    note: "Lamport's TwoPhase, 8 RMs, record API, no symmetry (TLC's state count)",
    build: () => twoPhase({ rm: 8 }),
    options: { store: { kind: 'fingerprint' }, symmetry: false },
  },
  {
    name: 'twophase-8-packed',
    note: "Lamport's TwoPhase, 8 RMs, packed API, no symmetry (TLC's state count)",
    build: () => twoPhasePacked({ rm: 8 }),
    options: { store: { kind: 'fingerprint' }, symmetry: false },
  },
  {
    name: 'counter-1e7-w2',
    note:
      '7 counters mod 10, packed API, 2 worker threads (level-synchronous parallel BFS, visited-set inserts partitioned by fingerprint); ' +
      '--max-omission 1e-5 (the 64-bit bound at 10^7 states is 2.7e-6)',
    build: () => counterPacked({ k: 7, m: 10 }),
    options: {
      store: { kind: 'fingerprint' },
      workers: 2,
      maxOmission: 1e-5,
      recipe: { module: path.join(__dirname, 'reference', 'counter'), exportName: 'counterPacked', args: [{ k: 7, m: 10 }] },
    },
  },
  {
    name: 'twophase-8-symmetry',
    note: "Lamport's TwoPhase, 8 RMs, record API, RM symmetry (exact, 8! permutations → normalisation)",
    build: () => twoPhase({ rm: 8 }),
    options: { store: { kind: 'fingerprint' }, symmetry: true },
  },
];

/**
 * How local the kernel model's steps are (docs/architecture.md, "The kernel
 * model declares no footprints"): a plain BFS over the model's objects of
 * report-2019 at writers=1, each transition classified by the top-level
 * components its successor changes (`mm`, a task, a layer's variable).
 */
function kernelLocality(): Record<string, unknown> {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const { buildStackSpec } = require('../models') as typeof import('../models');
  const spec = buildStackSpec({ stack: 'report-2019', workload: 'write', params: {} });
  const key = (x: unknown): string => JSON.stringify(x);
  type K = { mm: unknown; app: unknown[]; kt: Record<string, unknown>; [l: string]: unknown };
  const seen = new Set<string>();
  let level = spec.init() as K[];
  for (const s of level) seen.add(key(s));
  let transitions = 0;
  let ownTaskOnly = 0;
  let layer = 0;
  let mm = 0;
  while (level.length) {
    const next: K[] = [];
    for (const s of level) {
      for (const a of spec.actions) {
        for (const p of a.params ?? [undefined]) {
          const r = a.next(s as never, p as never) as K | K[] | undefined;
          if (r === undefined) continue;
          for (const t of Array.isArray(r) ? r : [r]) {
            transitions++;
            const changed: string[] = [];
            if (key(s.mm) !== key(t.mm)) changed.push('mm');
            s.app.forEach((v, i) => v !== t.app[i] && key(v) !== key(t.app[i]) && changed.push('task'));
            for (const d of Object.keys(s.kt)) if (s.kt[d] !== t.kt[d] && key(s.kt[d]) !== key(t.kt[d])) changed.push('task');
            for (const k of Object.keys(s)) if (/^L\d+$/.test(k) && key(s[k]) !== key(t[k])) changed.push('layer');
            if (changed.length === 1 && changed[0] === 'task') ownTaskOnly++;
            if (changed.includes('layer')) layer++;
            if (changed.includes('mm')) mm++;
            const k = key(t);
            if (!seen.has(k)) {
              seen.add(k);
              next.push(t);
            }
          }
        }
      }
    }
    level = next;
  }
  return { case: 'kernel-locality', note: 'report-2019, writers=1: transitions by what they change', states: seen.size, transitions, ownTaskOnly, changesALayer: layer, changesMemory: mm };
}

function runCase(name: string): void {
  if (name === 'kernel-locality') {
    process.stdout.write(JSON.stringify(kernelLocality()) + '\n');
    return;
  }
  const c = cases.find((x) => x.name === name);
  if (!c) throw new Error(`unknown bench case ${name}`);
  const r = check(c.build(), c.options);
  const s = r.stats;
  const out = {
    case: c.name,
    note: c.note,
    result: r.status,
    distinctStates: s.distinctStates,
    statesGenerated: s.statesGenerated,
    depth: s.depth,
    seconds: +s.seconds.toFixed(3),
    distinctPerSecond: Math.round(s.distinctStates / s.seconds),
    generatedPerSecond: Math.round(s.statesGenerated / s.seconds),
    bytesPerState: +s.bytesPerState.toFixed(2),
    peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
    store: s.store,
    symmetry: s.symmetry,
    omissionProbability: s.omissionProbability,
    ...(s.workers !== undefined ? { workers: s.workers } : {}),
  };
  process.stdout.write(JSON.stringify(out) + '\n');
}

/** Entry point of bin/gfpcheck-bench. */
export function main(argv: readonly string[]): void {
  if (argv[0] === '--case') {
    runCase(argv[1]);
    return;
  }
  const args = [...argv];
  let against: string | undefined;
  let repeat = 1;
  for (let i = 0; i < args.length; ) {
    if (args[i] === '--against' && args[i + 1] !== undefined) {
      against = path.resolve(args[i + 1]);
      args.splice(i, 2);
    } else if (args[i] === '--repeat' && /^\d+$/.test(args[i + 1] ?? '')) {
      repeat = Math.max(1, Number(args[i + 1]));
      args.splice(i, 2);
    } else i++;
  }
  const names = args.length > 0 ? args : [...cases.map((c) => c.name), ...cliCases.filter((c) => !c.slow).map((c) => c.name)];
  const bin = path.join(PACKAGE_ROOT, 'bin', 'gfpcheck-bench');
  const root = PACKAGE_ROOT;
  const results: unknown[] = [];
  for (const name of names) {
    const cli = cliCases.find((c) => c.name === name);
    if (cli) {
      for (let r = 0; r < repeat; r++) {
        process.stderr.write(`bench ${name} ...\n`);
        results.push(runCli(cli, root));
        // An earlier gfpcheck may not know --workers: it runs without it.
        if (against) results.push(runCli({ ...cli, argv: cli.argv.filter((a, i, all) => a !== '--workers' && all[i - 1] !== '--workers') }, against));
      }
      continue;
    }
    if (!cases.some((c) => c.name === name) && name !== 'kernel-locality') {
      process.stderr.write(`gfpcheck-bench: unknown case '${name}' (cases: ${[...cases, ...cliCases].map((c) => c.name).join(', ')}, kernel-locality)\n`);
      process.exitCode = 151;
      return;
    }
    process.stderr.write(`bench ${name} ...\n`);
    const p = spawnSync(process.execPath, [bin, '--case', name], { encoding: 'utf8', maxBuffer: 1 << 24 });
    if (p.status !== 0) {
      results.push({ case: name, error: (p.stderr || '').trim().split('\n').slice(-3).join(' ') });
      continue;
    }
    results.push(JSON.parse(p.stdout.trim().split('\n').pop() as string));
  }
  process.stdout.write(JSON.stringify({ node: process.version, cpus: require('os').cpus().length, results, targets: judgeTargets(results as BenchRow[], root) }, null, 2) + '\n');
}
