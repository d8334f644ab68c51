/**
 * The composition root of the `gfpcheck` command: the generic CLI of
 * checker/cli with this project's specs plugged in.
 *
 * - the reference models (specs/reference) by name: `gfpcheck check diehard`;
 * - the kernel model (models/) through `--stack <layers>`, `--workload
 *   write|read` and `--param key=value`, and `gfpcheck list stacks|layers|params`;
 * - `--fix <name>` (repeatable) with `--stack`: a proposed fix (specs/fixes),
 *   or `--fix ./my-fix.ts`: a fix module of the user's (specs/fixes/module.ts);
 * - `--layer ./dm-linear.ts` with `--stack`: a layer module of the user's, a
 *   remapping block layer the stack may name (specs/layers.ts);
 * - `--kernel 5.2|5.10|5.15|6.14` with `--stack`: a kernel profile (specs/profiles.ts),
 *   the merged changes of that kernel as the baseline, fixes on top;
 * - `gfpcheck verify`: the verdict matrix and CI gate (specs/verify);
 * - `--format mail`: counterexamples for mailing-list replies (specs/report/mail.ts);
 * - `gfpcheck main`: the main job, the verdict matrix of the 2019 report's
 *   stack under every fix, then the unfixed stack checked on the v5.2 model,
 *   with the verdict it is expected to give.
 *
 * models/ is loaded lazily, so that a broken or half-written kernel model
 * only breaks the commands that use it (with error MC101), never the
 * reference models.
 *
 * `bin/gfpcheck` calls `main()` of the compiled build (dist/specs/cli.js), or
 * of this file through ts-node when there is no build.
 *
 * @module
 */
import * as fs from 'fs';
import * as path from 'path';
import {
  CliConfig,
  CommandModule,
  Consts,
  err,
  executeCheck,
  Failure,
  ListSection,
  ok,
  outputOptions,
  ResolvedCliConfig,
  Result,
  runMain,
  searchOptions,
  SpecProvider,
  SpecSelector,
  usage,
  validateCheckArgv,
  parseKeyValues,
  single,
  ExitCode,
  CheckCommandOptions,
  printFailure,
  singleBoolean,
} from '../checker/cli';
import type { AnySpec } from '../checker';
import type { Report } from '../checker/report';
import { defaultRenderers } from '../checker/report';
import { referenceSpecs } from './reference';
import { referenceRecipe, stackLivenessRecipe, stackRecipe } from './recipes';
import { mailRenderer } from './report/mail';
import { withKernelPictures } from './report/pictures';
import { verifyCommand } from './verify/command';
import { sweepCommand } from './verify/sweep';
import { mainMatrix } from './verify/main';
import { catalogueMatrix } from './verify/catalogue';
import { profileNames } from './profiles';
import { PACKAGE_ROOT } from './paths';
import { classLabel, deadlockInevitable } from './verify/classes';

type Models = typeof import('../models');

/** The version in package.json. */
export function toolVersion(): string {
  try {
    return (JSON.parse(fs.readFileSync(path.join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

const firstLine = (e: unknown): string => (e instanceof Error ? e.message : String(e)).split('\n')[0];

/** The reference models by name; constants must be integers the model declares. */
export const referenceProvider: SpecProvider = {
  name: 'reference',
  list: () =>
    Object.entries(referenceSpecs).map(([name, e]) => ({
      name,
      description: e.description,
      ...(e.params.length ? { detail: e.params.map((p) => `${p.name}=${p.default}`).join(' ') } : {}),
    })),
  resolve(name: string, consts: Consts) {
    // An own property only: `constructor`, `toString` or `__proto__` are not spec names.
    const entry = Object.prototype.hasOwnProperty.call(referenceSpecs, name) ? referenceSpecs[name] : undefined;
    if (!entry) return undefined;
    const known = entry.params.map((p) => p.name);
    const values: Record<string, number> = {};
    for (const [k, v] of Object.entries(consts)) {
      if (!known.includes(k)) {
        return err(usage(`${name} has no constant '${k}'`, known.length ? `its constants: ${entry.params.map((p) => `${p.name} (${p.description}, default ${p.default})`).join(', ')}` : `${name} takes no constants`));
      }
      if (!/^-?\d+$/.test(v)) return err(usage(`constant ${k} of ${name} must be an integer, got '${v}'`));
      values[k] = Number(v);
    }
    try {
      return ok({ spec: entry.build(values), source: `reference model ${name}`, recipe: referenceRecipe(name, values) });
    } catch (e) {
      return err({ kind: 'spec', error: { code: 'MC102', message: firstLine(e) } } as Failure);
    }
  },
};

/** Builds a reference model by name: the recipe worker threads rebuild it from (checker/parallel). */
export function buildReferenceSpec(name: string, consts: Readonly<Record<string, number>>): AnySpec {
  const entry = referenceSpecs[name];
  if (!entry) throw new Error(`no reference model '${name}'`);
  return entry.build(consts);
}

/** Loads models/ on first use. */
function loadModels(): Result<Failure, Models> {
  try {
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    return ok(require('../models') as Models);
  } catch (e) {
    return err({ kind: 'spec', error: { code: 'MC101', message: `the kernel model (models/) could not be loaded: ${firstLine(e)}` } });
  }
}

/** A request for a composed stack. */
export interface StackRequest {
  readonly stack: string;
  readonly workload: 'write' | 'read';
  readonly params: Readonly<Record<string, string>>;
  /** Proposed fixes to apply (specs/fixes), in order; absent: none. */
  readonly fixes?: readonly string[];
  /** Kernel profile (specs/profiles.ts); absent: 5.2. */
  readonly kernel?: string;
  /** Layer modules (`--layer ./dm-linear.ts`, specs/layers.ts) whose layers the stack may name; absent: none. */
  readonly layers?: readonly string[];
  /** Add the kernel liveness properties (specs/liveness.ts): true by default, false with `--no-liveness` (safety only). */
  readonly liveness?: boolean;
}

const STACK_HINT = "'gfpcheck list stacks', 'gfpcheck list layers' and 'gfpcheck list params' show what exists";

/** `--stack`, `--workload`, `--param`: the composed kernel model. */
export const stackSelector: SpecSelector<StackRequest> = {
  name: 'stack',
  trigger: 'stack',
  options: {
    stack: { type: 'string', requiresArg: true, describe: 'Check the kernel model of this stack: layers top to bottom, e.g. xfs/dm-zoned/tcmu/ext4/ssd, or a named stack' },
    workload: { choices: ['write', 'read'], requiresArg: true, describe: 'With --stack: what the application tasks do (default write)' },
    param: { type: 'string', requiresArg: true, describe: "With --stack: a model parameter, key=value (repeat; see 'gfpcheck list params')" },
    fix: { type: 'string', requiresArg: true, describe: 'With --stack: apply a proposed fix, e.g. io-flusher, or a fix module of your own, e.g. ./my-fix.ts (repeat to combine; see docs/fixes.md, docs/adding-a-fix.md)' },
    kernel: { type: 'string', requiresArg: true, describe: 'With --stack: kernel profile whose merged changes are the baseline: 5.2 (default), 5.10, 5.15 or 6.14; fixes apply on top' },
    layer: { type: 'string', requiresArg: true, describe: 'With --stack: a layer module of your own, e.g. ./dm-linear.ts; the stack may then name its layer, e.g. xfs/dm-linear/ssd (repeat for several; a remapping block layer only, see docs/adding-a-fix.md)' },
  },
  validate(argv) {
    const stack = single('stack', argv.stack);
    if (!stack.ok) return stack;
    if (!stack.value) return err(usage('--stack needs layers, e.g. --stack xfs/dm-zoned/tcmu/ext4/ssd', STACK_HINT));
    const workload = single('workload', argv.workload);
    if (!workload.ok) return workload;
    const w = workload.value ?? 'write';
    if (w !== 'write' && w !== 'read') return err(usage(`invalid value '${w}' for --workload`, 'choices: write, read'));
    const params = parseKeyValues('param', argv.param);
    if (!params.ok) return params;
    const fixes: string[] = argv.fix === undefined ? [] : (Array.isArray(argv.fix) ? argv.fix : [argv.fix]).map(String);
    const layers: string[] = argv.layer === undefined ? [] : (Array.isArray(argv.layer) ? argv.layer : [argv.layer]).map(String);
    if (layers.some((l) => l === '')) return err(usage('--layer needs a module, e.g. --layer ./dm-linear.ts', 'docs/adding-a-fix.md, "Layer modules"'));
    const kernel = single('kernel', argv.kernel);
    if (!kernel.ok) return kernel;
    if (kernel.value === '') return err(usage('--kernel needs a profile, e.g. --kernel 5.10', `known profiles: ${profileNames().join(', ')} (docs/fixes.md, "Kernel profiles")`));
    // Liveness is on by default for a stack (issue 12); --no-liveness skips it.
    const liveness = !(argv.liveness === false || (Array.isArray(argv.liveness) && argv.liveness[argv.liveness.length - 1] === false));
    return ok({ stack: stack.value, workload: w, params: params.value, ...(fixes.length ? { fixes } : {}), ...(kernel.value !== undefined ? { kernel: String(kernel.value) } : {}), ...(layers.length ? { layers } : {}), liveness });
  },
  resolve(req) {
    const models = loadModels();
    if (!models.ok) return models;
    const { StackError } = models.value;
    try {
      // specs/fixes loads models/ too, so it is loaded here, lazily
      // eslint-disable-next-line @typescript-eslint/no-var-requires
      const { buildFixedStackSpec, FixError, FixModuleError, isFixModuleRef, LayerModuleError, ProfileError } = require('./fixes/spec') as typeof import('./fixes/spec');
      try {
        const fixes = req.fixes ?? [];
        const layers = req.layers ?? [];
        // a fix or layer module (--fix ./my-fix.ts, --layer ./dm-linear.ts) is relative to the current directory, also in worker threads
        const moduleBase = fixes.some(isFixModuleRef) || layers.length ? { moduleBase: process.cwd() } : {};
        const opts = { stack: req.stack, workload: req.workload, params: { ...req.params }, fixes, ...(req.kernel !== undefined ? { kernel: req.kernel } : {}), ...(layers.length ? { layers } : {}), ...moduleBase };
        const built = buildFixedStackSpec(opts);
        // eslint-disable-next-line @typescript-eslint/no-var-requires
        const spec = req.liveness ? (require('./liveness') as typeof import('./liveness')).withKernelLiveness(built) : built;
        const kernel = req.kernel !== undefined ? `, kernel ${req.kernel}` : '';
        return ok({ spec, source: `stack ${req.stack} (${req.workload} workload${kernel}${fixes.length ? `, fix ${fixes.join(' + ')}` : ''}${layers.length ? `, layer module ${layers.join(', ')}` : ''})`, recipe: req.liveness ? stackLivenessRecipe(opts) : stackRecipe(opts) });
      } catch (e) {
        if (e instanceof ProfileError) return err(usage(e.message, 'docs/fixes.md, "Kernel profiles", says what each profile contains'));
        if (e instanceof FixError) return err(usage(e.message, 'docs/fixes.md describes each fix; a path (./my-fix.ts) loads a fix module of your own'));
        if (e instanceof FixModuleError || e instanceof LayerModuleError) return err({ kind: 'spec', error: { code: 'MC101', message: e.message } });
        throw e;
      }
    } catch (e) {
      if (e instanceof StackError) return err(usage(e.message, STACK_HINT));
      return err({ kind: 'spec', error: { code: 'MC101', message: `the stack model could not be built: ${firstLine(e)}` } });
    }
  },
};

function modelsSection(name: string, description: string, rows: (m: Models) => { name: string; description: string; detail?: string }[]): ListSection {
  return {
    name,
    description,
    rows: () => {
      const m = loadModels();
      return m.ok ? ok(rows(m.value)) : m;
    },
  };
}

/** `gfpcheck list stacks|layers|params`. */
export const stackSections: readonly ListSection[] = [
  modelsSection('stacks', 'Named stacks (gfpcheck check --stack <name or layers>)', (m) => m.listStacks().map((s) => ({ name: s.name, description: s.description, detail: s.stack }))),
  modelsSection('layers', 'Layers (compose top to bottom with /, e.g. --stack xfs/dm-zoned/tcmu/ext4/ssd)', (m) => m.listLayers().map((l) => ({ name: l.name, description: l.description }))),
  modelsSection('params', 'Model parameters (--param key=value)', (m) => m.listParams().map((p) => ({ name: p.name, description: p.description, detail: `default ${p.default}` }))),
];

/** The stack of the 2019 report. */
export const REPORT_2019_STACK = 'xfs/dm-zoned/tcmu/ext4/ssd';

/** What `main` says, and whether the report gave the expected verdict (a deadlock). */
export function mainVerdict(r: Report): { expected: boolean; text: string } {
  if (r.result === 'violated' && r.violations[0]?.kind === 'deadlock') {
    const cls = r.violations[0].class;
    const inevitable = deadlockInevitable(r) ? '\nThe deadlock is inevitable at these bounds, not merely reachable: no execution completes the workload (the witness workload-completes is never reached).' : '';
    return { expected: true, text: `Verdict: deadlock reached${cls !== undefined ? ` (${classLabel(cls)} ${cls})` : ''}, as in the 2019 report. Expected: deadlock.${inevitable}` };
  }
  const what = r.result === 'violated' ? `invariant ${r.violations[0]?.property} violated` : r.result === 'holds' ? 'no deadlock' : r.result;
  return { expected: false, text: `Verdict: ${what}. Expected: deadlock. The model no longer reproduces the 2019 report.` };
}

/** `gfpcheck main`: the main job. */
export function mainCommand(cfg: ResolvedCliConfig): CommandModule<CheckCommandOptions & { catalogue?: boolean; expect?: string }> {
  return {
    command: 'main',
    describe: `The main job: check the 2019 report's stack (${REPORT_2019_STACK}, write workload) and print the verdict and the trace`,
    options: {
      ...searchOptions(),
      ...outputOptions(cfg),
      catalogue: { type: 'boolean', describe: "Print the catalogue's matrix instead (docs/catalogue.md: the 2019 report, loop, NBD, FUSE, loopback NFS, each at its base kernel and with its merged change); exit 0 when every cell matches specs/verdicts.json, 1 otherwise" },
      expect: { type: 'string', describe: 'With --catalogue: the expectations file (default specs/verdicts.json)' },
    },
    validate: (argv) => {
      const c = singleBoolean('catalogue', argv.catalogue);
      if (!c.ok) return c;
      const e = single('expect', argv.expect);
      if (!e.ok) return e;
      if (e.value !== undefined && !c.value) return err(usage('--expect applies only to main --catalogue', 'gfpcheck main --catalogue --expect specs/verdicts.json'));
      const r = validateCheckArgv({ ...argv, spec: undefined, const: undefined, stack: REPORT_2019_STACK, workload: 'write', param: undefined, fix: undefined, kernel: undefined, 'all-violations': argv['all-violations'] ?? true }, cfg);
      return r.ok && c.value ? ok({ ...r.value, catalogue: true, ...(e.value !== undefined ? { expect: String(e.value) } : {}) }) : r;
    },
    run: (o, ctx) => {
      if (o.catalogue) {
        // issue 11: the catalogue's matrix only (no 2019 trace)
        const cat = catalogueMatrix(ctx.io, { quiet: o.output.quiet, expect: o.expect });
        if (!cat.ok) return printFailure(cat.error, ctx.io);
        ctx.io.stdout(cat.value.text);
        if (cat.value.interrupted) return ExitCode.incomplete;
        return cat.value.matches ? ExitCode.ok : ExitCode.verdictMismatch;
      }
      const text = (o.output.format === 'text' || o.output.format === 'mail') && o.output.out === undefined;
      const say = (s: string): void => (text ? ctx.io.stdout(`${s}\n`) : o.output.quiet ? undefined : ctx.io.stderr(`${s}\n`));
      say(
        `gfpcheck main: the stack of the 2019 report, ${REPORT_2019_STACK}, under every proposed fix and kernel profile (the verdict matrix),\n` +
          'then with a write workload on the v5.2 kernel model with no fix applied.\n',
      );
      const matrix = mainMatrix(ctx.io, { quiet: o.output.quiet });
      if (!matrix.ok) return printFailure(matrix.error, ctx.io);
      say(matrix.value.text);
      if (matrix.value.interrupted) return ExitCode.incomplete;
      const { code, report } = executeCheck(o, ctx);
      if (!report || report.result === 'error' || report.result === 'incomplete' || (code !== ExitCode.deadlock && code !== ExitCode.invariant && code !== ExitCode.ok)) return code;
      const v = mainVerdict(report);
      say(v.text);
      return v.expected && matrix.value.matches ? ExitCode.ok : ExitCode.verdictMismatch;
    },
  };
}

/** The gfpcheck CLI config. */
export function gfpcheckConfig(): CliConfig {
  return {
    version: toolVersion(),
    providers: [referenceProvider],
    selectors: [stackSelector],
    listSections: stackSections,
    commands: [mainCommand, verifyCommand, sweepCommand],
    renderers: withKernelPictures([...defaultRenderers, mailRenderer]),
  };
}

/** Runs gfpcheck as the process (bin/gfpcheck). */
export function main(args: readonly string[] = process.argv.slice(2)): Promise<void> {
  return runMain(gfpcheckConfig(), args);
}

if (require.main === module) void main();
