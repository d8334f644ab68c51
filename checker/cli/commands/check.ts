/**
 * `gfpcheck check <spec-module-or-name> [options]`: explore a spec and report
 * every property, in the format asked for, with a TLC exit code.
 *
 * The options are data (`searchOptions`, `outputOptions`, plus the options of
 * every spec selector, such as `--stack`); `validateCheckArgv` turns argv
 * into `CheckCommandOptions` without touching anything; `executeCheck` runs
 * it and returns the exit code and the report.
 *
 * @module
 */
import * as fs from 'fs';
import * as path from 'path';
import * as os from 'os';
import type { Options } from 'yargs';
import { itfFiles } from '../../report/itf';
import { check, errorResult } from '../../explore';
import type { CheckOptions, Progress, StoreOption } from '../../result';
import { buildReport, Report, ReportOptions } from '../../report/report';
import { findRenderer } from '../../report/renderer';
import { ProgressLine } from '../../report/progress';
import { renderCheckJunit } from '../../report/junit';
import { parseCount, parseKeyValues, parseStore, single, singleBoolean } from '../argv';
import { exitCodeForReport } from '../exitCodes';
import { classifyTarget, resolveTarget, SpecTarget } from '../resolve';
import { emitOutput, formatFailure, printFailure } from '../output';
import { Argv, CliContext, CommandModule, Consts, err, Failure, ok, ResolvedCliConfig, Result, usage } from '../types';

/** How to search: what the engine's `CheckOptions` takes from the command line. */
export interface SearchOptions {
  readonly strategy: 'bfs' | 'dfs';
  readonly store?: StoreOption;
  readonly capacity?: number;
  readonly symmetry?: boolean;
  readonly maxStates?: number;
  readonly maxDepth?: number;
  readonly allViolations: boolean;
  readonly checkDeadlock?: boolean;
  readonly deadlockSemantics?: 'progress' | 'tlc';
  /** Check temporal properties (`--liveness` / `--no-liveness`); undefined: the default. */
  readonly liveness?: boolean;
  /** Largest omission bound a fingerprint or compact run may have and still say holds (default 1e-6). */
  readonly maxOmission?: number;
  /** Worker threads for a BFS (default: the number of cores). */
  readonly workers?: number;
  /** Memory budget in bytes (visited set, parent links, frontier). */
  readonly memory?: number;
  /** Partial-order reduction (`--por` / `--no-por`); undefined: on where the spec declares footprints. */
  readonly por?: boolean;
  /** Verify declared footprints on sampled states (`--check-footprints`). */
  readonly checkFootprints?: boolean;
  /** Evaluate only the action instances the spec's dispatch marks (`--no-dispatch`: false). */
  readonly dispatch?: boolean;
}

/** The default number of workers: the cores this process may use. */
export function defaultWorkers(): number {
  return Math.max(1, typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length);
}

const SIZE = /^(\d+(?:\.\d+)?)\s*([kmgt]?)(?:i?b)?$/i;

/** `512M`, `2G`, `1.5GiB`, `65536` (bytes; K, M, G, T are powers of 1024) into bytes. */
export function parseBytes(flag: string, v: unknown): Result<Failure, number | undefined> {
  const s = single(flag, v);
  if (!s.ok) return s;
  if (s.value === undefined) return ok(undefined);
  const m = SIZE.exec(String(s.value).trim());
  if (!m) return err(usage(`invalid value '${s.value}' for --${flag}: expected a size such as 512M or 2G`, 'K, M, G and T are powers of 1024; a plain number is bytes'));
  const bytes = Math.floor(Number(m[1]) * 1024 ** ' kmgt'.indexOf((m[2] || ' ').toLowerCase()));
  if (bytes < 1 << 20) return err(usage(`--${flag} must be at least 1M, got ${s.value}`, 'e.g. --memory 4G'));
  return ok(bytes);
}

/** Where and how to write the result. */
export interface OutputOptions {
  readonly format: string;
  readonly out?: string;
  readonly quiet: boolean;
  /** `--format itf` only: write each violation's trace to a file of its own in this directory. */
  readonly outDir?: string;
}

export interface CheckCommandOptions {
  readonly target: SpecTarget;
  readonly consts: Consts;
  readonly search: SearchOptions;
  readonly output: OutputOptions;
  /** `--typecheck`: type-check a .ts spec module before loading it. */
  readonly typecheck?: boolean;
  /** `--junit FILE`: also write the result as JUnit XML. */
  readonly junit?: string;
}

/** The search options, as yargs declarations. */
export function searchOptions(): Record<string, Options> {
  return {
    strategy: { choices: ['bfs', 'dfs'], requiresArg: true, describe: 'bfs (default): level by level, shortest counterexamples; dfs: depth first' },
    store: {
      type: 'string',
      requiresArg: true,
      describe: 'Visited set: exact, fingerprint (default; 64-bit) or compact[:BITS] (Stern-Dill hash compaction, default 40 bits)',
    },
    capacity: { type: 'string', requiresArg: true, describe: 'Slots of the compact store, a power of two from 2^4 to 2^31 (default 2^22)' },
    symmetry: { type: 'boolean', describe: "Symmetry reduction over the spec's symmetric domains (default on; --no-symmetry turns it off)" },
    'max-states': { type: 'string', requiresArg: true, describe: 'Stop (incomplete, exit 152) after this many distinct states' },
    'max-depth': { type: 'string', requiresArg: true, describe: 'Do not expand states at this depth (incomplete if any had successors)' },
    'all-violations': { type: 'boolean', describe: 'Keep searching after a violation; report each violated property (and deadlock class) once' },
    deadlock: { type: 'boolean', describe: 'Check for deadlock (default: as the spec says); --no-deadlock turns it off' },
    'deadlock-semantics': {
      choices: ['progress', 'tlc'],
      requiresArg: true,
      describe: "What a deadlock is (default: as the spec says, else progress): progress = no successor other than the state itself; tlc = no enabled action (TLC's meaning: a stutter step counts)",
    },
    liveness: {
      type: 'boolean',
      describe: "Check temporal properties under fairness (default: on for a spec that declares them; with --stack see docs/cli.md); --no-liveness skips them",
    },
    'max-omission': {
      type: 'string',
      requiresArg: true,
      describe: 'Largest probability that a fingerprint or compact store omitted a state for the run to say holds (default 1e-6); above it the run is incomplete (exit 152)',
    },
    workers: { type: 'string', requiresArg: true, describe: 'Worker threads for a BFS (default 1: no threads). Results are identical for every count' },
    memory: { type: 'string', requiresArg: true, describe: 'Memory budget for visited set, parent links and frontier, e.g. 4G; beyond it the BFS frontier spills to disk, and the search ends (exit 153) when the rest outgrows it' },
    por: { type: 'boolean', describe: 'Partial-order reduction from the footprints the spec declares (default on where it declares them; --no-por turns it off). Deadlocks, invariants and traces are unchanged' },
    'check-footprints': { type: 'boolean', describe: 'Verify the declared footprints on sampled states (MC205, exit 150, when one is wrong)' },
    dispatch: { type: 'boolean', describe: "Evaluate only the action instances the spec's dispatch says may fire (default on where it has one; --no-dispatch evaluates every action in every state). Results are identical" },
  };
}

/** The output options, as yargs declarations. */
export function outputOptions(cfg: ResolvedCliConfig): Record<string, Options> {
  return {
    format: { choices: cfg.renderers.map((r) => r.name), requiresArg: true, describe: `Output format (default text): ${cfg.renderers.map((r) => r.name).join(', ')}` },
    out: { type: 'string', requiresArg: true, describe: 'Write the output to this file instead of stdout' },
    'out-dir': { type: 'string', requiresArg: true, describe: 'With --format itf: also write every violation\'s trace to a file of its own in this directory (NN-<property>.itf.json)' },
    quiet: { type: 'boolean', describe: 'No progress lines on stderr' },
  };
}

/** Every option of `check`. */
export function checkOptions(cfg: ResolvedCliConfig): Record<string, Options> {
  return {
    const: { type: 'string', requiresArg: true, describe: 'Set a constant of the spec, K=V (repeat for each constant)' },
    typecheck: { type: 'boolean', describe: 'Type-check a .ts spec module (and what it imports) before loading it; type errors are MC101 (exit 150)' },
    ...searchOptions(),
    ...outputOptions(cfg),
    junit: { type: 'string', requiresArg: true, describe: 'Also write the result as JUnit XML to this file (one testcase per property)' },
    ...Object.assign({}, ...cfg.selectors.map((s) => s.options)),
  };
}

const MIN_CAPACITY = 2 ** 4;
// 2^31, not 2^32: slots are indexed with 32-bit integer arithmetic (`h & (capacity - 1)`),
// which for 2^32 slots gives negative indexes, and a 2^32-slot table exceeds the largest typed array.
const MAX_CAPACITY = 2 ** 31;

/** Pure: the search options in argv. */
export function validateSearchArgv(argv: Argv): Result<Failure, SearchOptions> {
  const strategy = single('strategy', argv.strategy);
  if (!strategy.ok) return strategy;
  const store = parseStore(argv.store);
  if (!store.ok) return store;
  const capacity = parseCount('capacity', argv.capacity, 1);
  if (!capacity.ok) return capacity;
  if (capacity.value !== undefined) {
    if (store.value?.kind !== 'compact') return err(usage('--capacity applies only to --store compact', 'e.g. --store compact:40 --capacity 2^24'));
    const c = capacity.value;
    if (c < MIN_CAPACITY || c > MAX_CAPACITY || !Number.isInteger(Math.log2(c))) {
      return err(usage(`--capacity must be a power of two from 2^4 to 2^31, got ${c}`, 'e.g. --capacity 2^24 (16,777,216 slots)'));
    }
  }
  const symmetry = singleBoolean('symmetry', argv.symmetry);
  if (!symmetry.ok) return symmetry;
  const maxStates = parseCount('max-states', argv['max-states'], 1);
  if (!maxStates.ok) return maxStates;
  const maxDepth = parseCount('max-depth', argv['max-depth'], 0);
  if (!maxDepth.ok) return maxDepth;
  const all = singleBoolean('all-violations', argv['all-violations']);
  if (!all.ok) return all;
  const deadlock = singleBoolean('deadlock', argv.deadlock);
  if (!deadlock.ok) return deadlock;
  const semantics = single('deadlock-semantics', argv['deadlock-semantics']);
  if (!semantics.ok) return semantics;
  if (semantics.value !== undefined && semantics.value !== 'progress' && semantics.value !== 'tlc') {
    return err(usage(`--deadlock-semantics must be progress or tlc, got '${semantics.value}'`));
  }
  const liveness = singleBoolean('liveness', argv.liveness);
  if (!liveness.ok) return liveness;
  const maxOmission = parseProbability('max-omission', argv['max-omission']);
  if (!maxOmission.ok) return maxOmission;
  const workers = parseCount('workers', argv.workers, 1);
  if (!workers.ok) return workers;
  if (workers.value !== undefined && workers.value > 64) return err(usage(`--workers must be from 1 to 64, got ${workers.value}`, `this machine has ${defaultWorkers()} cores`));
  const memory = parseBytes('memory', argv.memory);
  if (!memory.ok) return memory;
  const por = singleBoolean('por', argv.por);
  if (!por.ok) return por;
  const checkFootprints = singleBoolean('check-footprints', argv['check-footprints']);
  if (!checkFootprints.ok) return checkFootprints;
  const dispatch = singleBoolean('dispatch', argv.dispatch);
  if (!dispatch.ok) return dispatch;
  return ok({
    strategy: strategy.value === 'dfs' ? 'dfs' : 'bfs',
    ...(store.value ? { store: store.value } : {}),
    ...(capacity.value !== undefined ? { capacity: capacity.value } : {}),
    ...(symmetry.value !== undefined ? { symmetry: symmetry.value } : {}),
    ...(maxStates.value !== undefined ? { maxStates: maxStates.value } : {}),
    ...(maxDepth.value !== undefined ? { maxDepth: maxDepth.value } : {}),
    allViolations: all.value ?? false,
    ...(deadlock.value !== undefined ? { checkDeadlock: deadlock.value } : {}),
    ...(semantics.value !== undefined ? { deadlockSemantics: semantics.value } : {}),
    ...(liveness.value !== undefined ? { liveness: liveness.value } : {}),
    ...(maxOmission.value !== undefined ? { maxOmission: maxOmission.value } : {}),
    ...(por.value !== undefined ? { por: por.value } : {}),
    ...(checkFootprints.value ? { checkFootprints: true } : {}),
    ...(dispatch.value === false ? { dispatch: false } : {}),
    ...(workers.value !== undefined ? { workers: workers.value } : {}),
    ...(memory.value !== undefined ? { memory: memory.value } : {}),
  });
}

/** A probability in [0, 1]: `1e-6`, `0.001`, `0`. */
export function parseProbability(flag: string, raw: unknown): Result<Failure, number | undefined> {
  const s = single(flag, raw);
  if (!s.ok || s.value === undefined) return s as Result<Failure, undefined>;
  const text = s.value.trim();
  const n = /^(\d+(\.\d*)?|\.\d+)(e-?\d+)?$/i.test(text) ? Number(text) : NaN;
  if (!Number.isFinite(n) || n < 0 || n > 1) return err(usage(`--${flag} must be a probability from 0 to 1, got '${s.value}'`, `e.g. --${flag} 1e-6`));
  return ok(n);
}

/** Pure: the output options in argv. */
export function validateOutputArgv(argv: Argv, cfg: ResolvedCliConfig): Result<Failure, OutputOptions> {
  const format = single('format', argv.format);
  if (!format.ok) return format;
  const f = format.value ?? 'text';
  if (!findRenderer(cfg.renderers, f)) return err(usage(`unknown format '${f}'`, `use one of ${cfg.renderers.map((r) => r.name).join(', ')}`));
  const out = single('out', argv.out);
  if (!out.ok) return out;
  if (out.value === '') return err(usage('--out needs a file name'));
  const quiet = singleBoolean('quiet', argv.quiet);
  if (!quiet.ok) return quiet;
  const outDir = single('out-dir', argv['out-dir']);
  if (!outDir.ok) return outDir;
  if (outDir.value !== undefined && (outDir.value === '' || f !== 'itf')) {
    return err(usage(outDir.value === '' ? '--out-dir needs a directory' : `--out-dir applies only to --format itf (got --format ${f})`, 'e.g. --format itf --all-violations --out-dir traces/'));
  }
  return ok({ format: f, ...(out.value !== undefined ? { out: out.value } : {}), quiet: quiet.value ?? false, ...(outDir.value !== undefined ? { outDir: outDir.value } : {}) });
}

const given = (argv: Argv, key: string): boolean => argv[key] !== undefined && !(Array.isArray(argv[key]) && (argv[key] as unknown[]).length === 0);

/** Pure: which spec, with which constants. */
export function validateTargetArgv(argv: Argv, cfg: ResolvedCliConfig): Result<Failure, { target: SpecTarget; consts: Consts }> {
  const consts = parseKeyValues('const', argv.const);
  if (!consts.ok) return consts;
  const active = cfg.selectors.filter((s) => given(argv, s.trigger));
  for (const s of cfg.selectors) {
    if (active.includes(s)) continue;
    const stray = Object.keys(s.options).find((k) => k !== s.trigger && given(argv, k));
    if (stray) return err(usage(`--${stray} needs --${s.trigger}`, `e.g. gfpcheck check --${s.trigger} <...> --${stray} <...>`));
  }
  if (active.length > 1) return err(usage(`--${active[0].trigger} and --${active[1].trigger} cannot be used together`));
  const spec = single('spec', argv.spec);
  if (!spec.ok) return spec;
  if (active.length === 1) {
    const s = active[0];
    if (spec.value !== undefined) return err(usage(`give either a spec or --${s.trigger}, not both (got '${spec.value}' and --${s.trigger})`));
    if (Object.keys(consts.value).length > 0) return err(usage(`--const does not apply to --${s.trigger}`, `'gfpcheck check --help' lists the options of --${s.trigger}`));
    const req = s.validate(argv);
    if (!req.ok) return req;
    return ok({ target: { kind: 'selector', selector: s.name, request: req.value }, consts: {} });
  }
  if (spec.value === undefined || spec.value === '') {
    const alt = cfg.selectors.map((s) => ` or --${s.trigger} <...>`).join('');
    return err(usage('no spec given', `gfpcheck check <name or module>${alt}, e.g. gfpcheck check diehard; 'gfpcheck list' shows the names`));
  }
  return ok({ target: classifyTarget(spec.value), consts: consts.value });
}

/** Pure: argv of `check` into its options. */
export function validateCheckArgv(argv: Argv, cfg: ResolvedCliConfig): Result<Failure, CheckCommandOptions> {
  const target = validateTargetArgv(argv, cfg);
  if (!target.ok) return target;
  const search = validateSearchArgv(argv);
  if (!search.ok) return search;
  const output = validateOutputArgv(argv, cfg);
  if (!output.ok) return output;
  const typecheck = singleBoolean('typecheck', argv.typecheck);
  if (!typecheck.ok) return typecheck;
  const junit = single('junit', argv.junit);
  if (!junit.ok) return junit;
  if (junit.value === '') return err(usage('--junit needs a file name', 'e.g. --junit check.xml'));
  return ok({
    target: target.value.target,
    consts: target.value.consts,
    search: search.value,
    output: output.value,
    ...(typecheck.value ? { typecheck: true } : {}),
    ...(junit.value !== undefined ? { junit: junit.value } : {}),
  });
}

/** The engine options for search options. */
export function engineOptions(s: SearchOptions): CheckOptions & { capacity?: number } {
  return {
    strategy: s.strategy,
    ...(s.store ? { store: s.store } : {}),
    ...(s.capacity !== undefined ? { capacity: s.capacity } : {}),
    ...(s.symmetry !== undefined ? { symmetry: s.symmetry } : {}),
    ...(s.maxStates !== undefined ? { maxStates: s.maxStates } : {}),
    ...(s.maxDepth !== undefined ? { maxDepth: s.maxDepth } : {}),
    allViolations: s.allViolations,
    ...(s.checkDeadlock !== undefined ? { checkDeadlock: s.checkDeadlock } : {}),
    ...(s.deadlockSemantics !== undefined ? { deadlockSemantics: s.deadlockSemantics } : {}),
    ...(s.liveness !== undefined ? { liveness: s.liveness } : {}),
    ...(s.maxOmission !== undefined ? { maxOmission: s.maxOmission } : {}),
    // Default 1, not the number of cores: on the kernel model the parallel BFS
    // is measured slower than one thread today (docs/architecture.md).
    workers: s.workers ?? 1,
    ...(s.memory !== undefined ? { memory: s.memory } : {}),
    ...(s.por !== undefined ? { por: s.por } : {}),
    ...(s.checkFootprints ? { checkFootprints: true } : {}),
    ...(s.dispatch === false ? { dispatch: false } : {}),
  };
}

function storeText(s: StoreOption | undefined): string {
  if (!s) return 'fingerprint';
  return s.kind === 'compact' ? `compact:${s.bits}` : s.kind;
}

/** The `options` field of the report. */
export function reportOptions(s: SearchOptions): ReportOptions {
  return {
    strategy: s.strategy,
    store: storeText(s.store),
    symmetry: s.symmetry ?? true,
    ...(s.maxStates !== undefined ? { maxStates: s.maxStates } : {}),
    ...(s.maxDepth !== undefined ? { maxDepth: s.maxDepth } : {}),
    allViolations: s.allViolations,
    ...(s.checkDeadlock !== undefined ? { checkDeadlock: s.checkDeadlock } : {}),
    ...(s.deadlockSemantics !== undefined ? { deadlockSemantics: s.deadlockSemantics } : {}),
    ...(s.liveness !== undefined ? { liveness: s.liveness } : {}),
    ...(s.maxOmission !== undefined ? { maxOmission: s.maxOmission } : {}),
    ...(s.capacity !== undefined ? { capacity: s.capacity } : {}),
  };
}

/** A report for a spec that could not even be built (so that `--format json` still prints JSON). */
export function errorReport(name: string, params: Consts, failure: Failure & { kind: 'spec' }, version: string, search: SearchOptions): Report {
  const result = errorResult({ name, params }, failure.error, storeText(search.store));
  return buildReport(result, { version, options: reportOptions(search) });
}

function targetName(t: SpecTarget): string {
  return t.kind === 'name' ? t.name : t.kind === 'path' ? t.path : t.selector;
}

/** What a check ended with: the exit code and, when there is one, the report. */
export interface CheckOutcome {
  readonly code: number;
  readonly report?: Report;
}

/**
 * The engine options of a run: the search options, the context's clock, and
 * (unless `--quiet`) a progress callback that writes a line to stderr.
 */
export function engineRunOptions(o: CheckCommandOptions, ctx: CliContext, line?: ProgressLine): CheckOptions & { capacity?: number } {
  const out = line ?? progressLine(ctx.io);
  const progress = o.output.quiet
    ? {}
    : { onProgress: (p: Progress) => out.search(p), progressInterval: ctx.progressInterval ?? (out.tty ? 1 : 5) };
  return { ...engineOptions(o.search), clock: () => ctx.io.clock(), ...progress };
}

/** Progress on the io's stderr: a status line on a terminal, Progress(d) lines otherwise. */
export function progressLine(io: CliContext['io']): ProgressLine {
  return new ProgressLine({
    write: (t) => io.stderr(t),
    tty: io.stderrIsTTY === true,
    ...(io.stderrColumns !== undefined ? { columns: io.stderrColumns } : {}),
    ...(io.memory ? { memory: () => io.memory!() } : {}),
  });
}

/** Runs a validated check: resolve the spec, explore, render, write. */
export function executeCheck(o: CheckCommandOptions, ctx: CliContext): CheckOutcome {
  const { io, config } = ctx;
  const renderer = findRenderer(config.renderers, o.output.format);
  if (!renderer) return { code: printFailure(usage(`unknown format '${o.output.format}'`), io) };
  const resolved = resolveTarget(o.target, o.consts, config, io, o.typecheck ? { typecheck: true } : {});
  let report: Report;
  if (!resolved.ok) {
    if (resolved.error.kind !== 'spec') return { code: printFailure(resolved.error, io) };
    report = errorReport(targetName(o.target), o.consts, resolved.error, config.version, o.search);
  } else {
    const { spec, source, recipe } = resolved.value;
    const line = progressLine(io);
    const result = check(spec, { ...engineRunOptions(o, ctx, line), ...(recipe ? { recipe } : {}) });
    line.done();
    report = buildReport(result, { version: config.version, spec, source, options: reportOptions(o.search) });
  }
  // A spec error must reach stderr even when the report goes to a file or is JSON.
  if (report.result === 'error' && report.error && (o.output.out !== undefined || o.output.format !== 'text')) {
    io.stderr(formatFailure({ kind: 'spec', error: { code: report.error.code, message: report.error.message } }));
  }
  const written = emitOutput(renderer.render(report), o.output, io);
  if (!written.ok) return { code: printFailure(written.error, io), report };
  if (o.junit !== undefined) {
    const junit = emitOutput(renderCheckJunit(report), { out: o.junit, quiet: o.output.quiet, format: 'JUnit XML' }, io);
    if (!junit.ok) return { code: printFailure(junit.error, io), report };
  }
  const files = emitOutDir(report, o.output, io);
  if (!files.ok) return { code: printFailure(files.error, io), report };
  return { code: exitCodeForReport(report), report };
}

/** `--out-dir DIR` (ITF): one file per violation, the directory created if missing. */
export function emitOutDir(report: Report, o: OutputOptions, io: CliContext['io']): Result<Failure, void> {
  if (o.outDir === undefined) return ok(undefined);
  const dir = path.resolve(io.cwd, o.outDir);
  const files = itfFiles(report);
  try {
    fs.mkdirSync(dir, { recursive: true });
    for (const f of files) io.writeFile(path.join(dir, f.name), f.text);
  } catch (e) {
    return err({ kind: 'system', message: `cannot write --out-dir ${o.outDir}: ${e instanceof Error ? e.message : String(e)}` });
  }
  if (!o.quiet) io.stderr(`gfpcheck: wrote ${files.length} ITF trace${files.length === 1 ? '' : 's'} to ${o.outDir}\n`);
  return ok(undefined);
}

/** The `check` command. */
export function checkCommand(cfg: ResolvedCliConfig): CommandModule<CheckCommandOptions> {
  const triggers = cfg.selectors.map((s) => `--${s.trigger}`).join(', ');
  return {
    command: 'check [spec]',
    describe: `Check a spec: a registered name (see 'gfpcheck list') or a .ts/.js module${triggers ? `; or ${triggers}` : ''}`,
    positionals: { spec: { type: 'string', describe: 'A registered spec name, or a path to a module exporting a spec (default export, `spec`, or `build(consts)`)' } },
    options: checkOptions(cfg),
    examples: [
      ['gfpcheck check diehard', 'Die Hard: the invariant is violated (exit 12), the 6-step trace is the solution'],
      ['gfpcheck check philosophers --const n=3', 'Dining philosophers: deadlock (exit 11)'],
      ['gfpcheck check ./my-spec.ts --format json --out report.json', 'A spec module; the JSON report goes to report.json'],
    ],
    validate: (argv) => validateCheckArgv(argv, cfg),
    run: (o, ctx) => executeCheck(o, ctx).code,
  };
}
