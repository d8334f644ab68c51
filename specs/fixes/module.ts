/**
 * A user's own fix, without forking: `gfpcheck check --stack S --fix
 * ./my-fix.ts` (or `.js`), and a `verify` row whose `fixes` name a module.
 *
 * A fix module exports one `Fix` (specs/fixes/types.ts; exported from the
 * package entry, `import type { Fix } from 'gfpcheck'`), in the same form as
 * the built-in fixes of this folder: as its default export, as `fix`, or as
 * its only export that has a `delta` (as `export const ioFlusher: Fix = ...`
 * does). docs/adding-a-fix.md, "A fix of your own", documents it.
 *
 * The module is checked before it is used, by a hand-written structural
 * validator (`fixProblems`): every problem is reported with the path of the
 * bad field (`delta.taskFlags["tcmu-runner"][1]: unknown task flag ...`),
 * never a stack trace. The known roles, frames, filesystems, allocation sites,
 * task flags and GFP flags are read from the model itself (models/), so that
 * a model that gains a role or a site accepts it here with no change.
 *
 * Whatever goes wrong with a fix module (it is missing, does not compile,
 * throws when loaded, exports the wrong shape, names an unknown role, site or
 * flag) is a `FixModuleError`: error MC101 and exit 150, like a spec module
 * that cannot be loaded (docs/error-codes.md). An unknown built-in fix *name*
 * stays a usage error (151).
 *
 * @module
 */
import * as fs from 'fs';
import * as path from 'path';
import { defaultKernelConfig, GFP_BITS, PF_BITS, ROLES } from '../../models';
import { FRAME_NAMES } from '../../models/core/frames';
import { GFP_COMPOSITES } from '../../models/mm/gfp';
import { suggest } from '../../checker/cli/argv';
import type { Fix } from './types';

/** A fix module could not be used; the message says why (error MC101, exit 150). */
export class FixModuleError extends Error {
  override name = 'FixModuleError';
}

const MODULE_EXT = /\.(c|m)?(t|j)s$/;
const TS_MODULE = /(?<!\.d)\.[cm]?ts$/;

/**
 * True when a `--fix` value (or an entry of a verify row's `fixes`) is a path
 * to a module rather than the name of a built-in fix: it has a directory
 * separator, starts with `.`, or ends in .ts/.js (as for `check <spec>`).
 */
export const isFixModuleRef = (ref: string): boolean => ref.includes('/') || ref.includes('\\') || ref.startsWith('.') || MODULE_EXT.test(ref);

export const isRecord = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
const own = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);
export const show = (x: unknown): string => {
  if (x === undefined) return 'undefined';
  if (typeof x === 'function') return 'a function';
  if (Array.isArray(x)) return 'an array';
  try {
    const s = JSON.stringify(x);
    return s.length > 60 ? `${s.slice(0, 57)}...` : s;
  } catch {
    return String(x);
  }
};
/** `delta.taskFlags` + `tcmu-runner` → `delta.taskFlags["tcmu-runner"]`. */
export const key = (at: string, k: string): string => (/^[A-Za-z_$][\w$]*$/.test(k) ? `${at}.${k}` : `${at}[${JSON.stringify(k)}]`);
const list = (names: readonly string[]): string => names.join(', ');
/** `; did you mean "x"?` and the known names (a long list only counted, with where it is kept). */
const known = (name: string, names: readonly string[], where?: string): string => {
  const near = suggest(name, names);
  const all = names.length <= 30 || !where ? `known: ${list(names)}` : `the known names are in ${where}`;
  return `${near ? `did you mean "${near}"? ` : ''}${all}`;
};

type Check = (x: unknown, at: string, out: string[]) => void;

const oneOf =
  (what: string, names: readonly string[], where?: string): Check =>
  (x, at, out) => {
    if (typeof x !== 'string') out.push(`${at}: expected ${what} (a string), got ${show(x)}`);
    else if (!names.includes(x)) out.push(`${at}: unknown ${what} "${x}"; ${known(x, names, where)}`);
  };
const string: Check = (x, at, out) => void (typeof x !== 'string' && out.push(`${at}: expected a string, got ${show(x)}`));
const boolean: Check = (x, at, out) => void (typeof x !== 'boolean' && out.push(`${at}: expected true or false, got ${show(x)}`));
const arrayOf =
  (item: Check): Check =>
  (x, at, out) => {
    if (!Array.isArray(x)) return void out.push(`${at}: expected an array, got ${show(x)}`);
    x.forEach((v, i) => item(v, `${at}[${i}]`, out));
  };
/** A record whose keys are among `keys` (named `what`), each value checked by `value`. */
const recordOf =
  (what: string, keys: () => readonly string[], value: Check): Check =>
  (x, at, out) => {
    if (!isRecord(x)) return void out.push(`${at}: expected an object keyed by ${what}, got ${show(x)}`);
    for (const [k, v] of Object.entries(x)) {
      if (!keys().includes(k)) out.push(`${key(at, k)}: unknown ${what} "${k}"; ${known(k, keys())}`);
      else if (v !== undefined) value(v, key(at, k), out);
    }
  };
/** An object with exactly these fields (those not `optional` are required). */
const objectOf =
  (fields: Readonly<Record<string, Check>>, optional: readonly string[]): Check =>
  (x, at, out) => {
    if (!isRecord(x)) return void out.push(`${at}: expected an object, got ${show(x)}`);
    for (const [k, c] of Object.entries(fields)) {
      if (!own(x, k) || x[k] === undefined) {
        if (!optional.includes(k)) out.push(`${key(at, k)}: missing`);
      } else c(x[k], key(at, k), out);
    }
    for (const k of Object.keys(x)) if (!own(fields, k)) out.push(`${key(at, k)}: unknown field; known fields: ${list(Object.keys(fields))}`);
  };

const gfpFlag = oneOf('GFP flag', GFP_BITS);
const gfpFlags = arrayOf(gfpFlag);
/** A requested mask: a list of bit names, or a `|`-separated string of bit and composite names (`GFP_NOFS|__GFP_NOWARN`). */
const gfpMask: Check = (x, at, out) => {
  if (Array.isArray(x)) return gfpFlags(x, at, out);
  if (typeof x !== 'string') return void out.push(`${at}: expected a GFP mask (a string such as "GFP_NOIO" or a list of __GFP_* names), got ${show(x)}`);
  for (const raw of x.split('|')) {
    const n = raw.trim();
    if (n === '' || n === '0' || own(GFP_COMPOSITES, n) || (GFP_BITS as readonly string[]).includes(n)) continue;
    out.push(`${at}: unknown GFP flag "${n}" in "${x}"; ${known(n, [...Object.keys(GFP_COMPOSITES), ...GFP_BITS], 'models/mm/gfp.ts')}`);
  }
};
const taskFlag = oneOf('task flag', PF_BITS);
const role = oneOf('role', ROLES);
const frame = oneOf('frame', FRAME_NAMES, 'the FRAME_SOURCES of models/core/frames.ts');

const scopeRule = objectOf(
  { frame, scope: oneOf('scope', ['NOFS', 'NOIO']), role, lowerFsOnly: boolean, why: string },
  ['role', 'lowerFsOnly', 'why'],
);

/** The rules of the delta's fields (KernelConfig, models/core/config.ts). */
const DELTA_FIELDS: Readonly<Record<string, Check>> = {
  kernel: string,
  mappingClear: recordOf('filesystem', () => Object.keys(defaultKernelConfig.mappingClear), gfpFlags),
  lowerFsMappingClear: gfpFlags,
  loopBackingClear: gfpFlags,
  scopes: arrayOf(scopeRule),
  taskFlags: recordOf('role', () => ROLES, arrayOf(taskFlag)),
  allocSites: recordOf('allocation site', () => Object.keys(defaultKernelConfig.allocSites), gfpMask),
  allocMasks: recordOf('allocation site', () => Object.keys(defaultKernelConfig.allocMasks ?? {}), gfpMask),
  faultAddsFsIo: boolean,
  bioCarriesScope: boolean,
  xfsInodeReclaim: oneOf('XFS inode reclaim mode', ['sync-wait', 'nonblocking']),
};

/**
 * A field of KernelConfig that this file has no rule for (added to the model
 * later): the same kind of value as its v5.2 default, a record with the
 * default's keys only.
 */
function likeDefault(def: unknown): Check {
  if (typeof def === 'boolean') return boolean;
  if (typeof def === 'string') return string;
  if (typeof def === 'number') return (x, at, out) => void (typeof x !== 'number' && out.push(`${at}: expected a number, got ${show(x)}`));
  if (Array.isArray(def)) return (x, at, out) => void (!Array.isArray(x) && out.push(`${at}: expected an array, got ${show(x)}`));
  if (isRecord(def)) return recordOf('key', () => Object.keys(def), () => undefined);
  return () => undefined;
}

/** The problems of a delta, each `path: what is wrong` (empty: it is valid). */
export function deltaProblems(delta: unknown, at = 'delta'): string[] {
  const out: string[] = [];
  if (!isRecord(delta)) return [`${at}: expected an object (a KernelConfig delta), got ${show(delta)}`];
  const known = Object.keys(defaultKernelConfig);
  for (const [k, v] of Object.entries(delta)) {
    if (!known.includes(k)) out.push(`${key(at, k)}: unknown field; a delta may set: ${list(known)}`);
    else if (v !== undefined) (DELTA_FIELDS[k] ?? likeDefault((defaultKernelConfig as unknown as Record<string, unknown>)[k]))(v, key(at, k), out);
  }
  return out;
}

const FIX_FIELDS: Readonly<Record<string, Check>> = {
  name: (x, at, out) => {
    if (typeof x !== 'string') out.push(`${at}: expected a string, got ${show(x)}`);
    else if (!/^[a-z0-9][a-z0-9-]*$/.test(x)) out.push(`${at}: "${x}" is not a kebab-case name (lower-case letters, digits and -)`);
  },
  title: string,
  proposedBy: string,
  where: string,
  mechanism: string,
  merged: string,
  modelNote: string,
  delta: (x, at, out) => void out.push(...deltaProblems(x, at)),
};

/** The problems of a fix, each `path: what is wrong` (empty: it is a valid `Fix`). */
export function fixProblems(fix: unknown, at = 'fix'): string[] {
  const out: string[] = [];
  objectOf(FIX_FIELDS, ['merged', 'modelNote'])(fix, at, out);
  return out;
}

/** Which export of a module is the fix, and its name for messages; or why none is. */
function findExport(mod: unknown): { value: unknown; at: string } | { error: string } {
  if (!isRecord(mod) && typeof mod !== 'function') return { error: `it exports ${show(mod)}, not a fix` };
  const m = mod as Record<string, unknown>;
  if (m.default !== undefined) return { value: m.default, at: 'default export' };
  if (m.fix !== undefined) return { value: m.fix, at: "export 'fix'" };
  const withDelta = Object.entries(m).filter(([, v]) => isRecord(v) && own(v, 'delta'));
  if (withDelta.length === 1) return { value: withDelta[0][1], at: `export '${withDelta[0][0]}'` };
  if (withDelta.length > 1) return { error: `it exports ${withDelta.length} objects with a delta (${withDelta.map(([k]) => `'${k}'`).join(', ')}); export one fix, or name it 'fix' or default` };
  const names = Object.keys(m);
  return { error: `it exports no fix: expected a default export, an export named 'fix', or one exported object with a 'delta' (the form of specs/fixes/*.ts); its exports: ${names.length ? names.join(', ') : 'none'}` };
}

/** The first lines of a load error (a ts-node compile error in full). */
function loadErrorText(e: unknown): string {
  const d = (e as { diagnosticText?: unknown } | null)?.diagnosticText;
  if (typeof d === 'string' && d.trim() !== '') return d.trim();
  return (e instanceof Error ? e.message : String(e)).split('\n')[0];
}

/** TypeScript syntax errors of a source, `file:line:col: reason (TSnnnn)` each, or undefined. */
function syntaxErrors(abs: string, source: string): string | undefined {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const { syntaxDiagnostics, formatDiagnostics } = require('../../checker/cli/resolve') as typeof import('../../checker/cli/resolve');
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const ts = require('typescript') as typeof import('typescript');
  const diags = syntaxDiagnostics(ts, abs, source);
  return diags.length ? formatDiagnostics(ts, diags, process.cwd()) : undefined;
}

/**
 * Finds, compiles (a .ts module: syntax errors with file:line:column) and
 * loads a user's module (`what`, e.g. `fix module './my-fix.ts'`); throws
 * `Err` saying why it cannot. Shared by fix and layer modules (specs/layers.ts).
 */
export function requireUserModule(ref: string, base: string, what: string, Err: new (message: string) => Error): unknown {
  const abs = path.resolve(base, ref);
  if (!fs.existsSync(abs) || !fs.statSync(abs).isFile()) throw new Err(`cannot find ${what} (looked for ${abs})`);
  if (TS_MODULE.test(abs)) {
    const syntax = syntaxErrors(abs, fs.readFileSync(abs, 'utf8'));
    if (syntax) throw new Err(`cannot compile ${what}: syntax error:\n${syntax}`);
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    (require('../../checker/cli/resolve') as typeof import('../../checker/cli/resolve')).registerTypeScript();
  }
  try {
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    return require(abs);
  } catch (e) {
    // ts-node compiles no .ts file inside node_modules (its default `ignore`), e.g. the shipped docs/examples
    const hint = TS_MODULE.test(abs) && abs.split(path.sep).includes('node_modules') ? ' (a .ts module inside node_modules is not compiled: copy it out of node_modules)' : '';
    throw new Err(`cannot load ${what}: ${loadErrorText(e)}${hint}`);
  }
}

/** `N problem(s):` and the first ten, one per line. */
export function problemList(problems: readonly string[]): string {
  const shown = problems.slice(0, 10).map((p) => `  ${p}`);
  if (problems.length > 10) shown.push(`  ... and ${problems.length - 10} more`);
  return `${problems.length} problem${problems.length === 1 ? '' : 's'}:\n${shown.join('\n')}`;
}

/**
 * Loads and validates a fix module. `ref` is the path as given (shown in
 * messages); relative paths are resolved against `base` (default: the
 * current directory). Throws FixModuleError.
 */
export function loadFixModule(ref: string, base: string = process.cwd()): Fix {
  const what = `fix module '${ref}'`;
  const mod = requireUserModule(ref, base, what, FixModuleError);
  const found = findExport(mod);
  if ('error' in found) throw new FixModuleError(`${what}: ${found.error}`);
  const problems = fixProblems(found.value, 'fix');
  if (problems.length) throw new FixModuleError(`${what} (${found.at}) is not a valid fix: ${problemList(problems)}`);
  return found.value as Fix;
}
