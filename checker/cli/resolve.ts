/**
 * Finding the spec a `check` asks for: a registered name (asked of each spec
 * provider in turn), a path to a module, or a spec selector's request (such as
 * `--stack`).
 *
 * A module is a `.ts`/`.js` file, resolved against the current directory,
 * that exports a spec as its default export or as `spec`, or a factory
 * `build(consts)` (or a default export that is a function) taking the
 * `--const` values. Constants are passed as numbers when they look like
 * integers, as booleans for `true`/`false`, and as strings otherwise.
 *
 * A `.ts` module is first parsed by TypeScript, so that a syntax error is
 * reported with file:line:column and the reason (MC101); with `--typecheck`
 * the module and everything it imports are type-checked too (MC101, exit
 * 150, one line per error). The process loads it through ts-node, registered
 * on first use only (`registerTypeScript`): the compiled CLI never loads
 * TypeScript unless a `.ts` module is given.
 *
 * @module
 */
import * as path from 'path';
import type { AnySpec } from '../spec';
import { suggest } from './argv';
import { Consts, err, Failure, ok, ResolvedCliConfig, ResolvedSpec, Result, SpecSelector, usage, CliIo } from './types';

/** What `check` was asked to run. */
export type SpecTarget =
  | { readonly kind: 'name'; readonly name: string }
  | { readonly kind: 'path'; readonly path: string }
  | { readonly kind: 'selector'; readonly selector: string; readonly request: unknown };

const MODULE_EXT = /\.(c|m)?(t|j)s$/;

/** A path if it has a directory separator, starts with `.` or ends in .ts/.js; otherwise a registered name. */
export function classifyTarget(arg: string): SpecTarget {
  return arg.includes('/') || arg.includes('\\') || arg.startsWith('.') || MODULE_EXT.test(arg) ? { kind: 'path', path: arg } : { kind: 'name', name: arg };
}

/** `"3"` → 3, `"true"` → true, anything else stays a string. */
export function coerceConst(v: string): string | number | boolean {
  if (/^-?\d+$/.test(v) && Number.isSafeInteger(Number(v))) return Number(v);
  if (v === 'true') return true;
  if (v === 'false') return false;
  return v;
}

/** True for an object with the members every spec has. */
export function isSpecLike(x: unknown): x is AnySpec {
  if (typeof x !== 'object' || x === null) return false;
  const s = x as Record<string, unknown>;
  return typeof s.variables === 'object' && s.variables !== null && typeof s.init === 'function' && (Array.isArray(s.actions) || Array.isArray(s.packed));
}

const firstLine = (e: unknown): string => (e instanceof Error ? e.message : String(e)).split('\n')[0];

const specError = (code: 'MC101' | 'MC102', message: string): Failure => ({ kind: 'spec', error: { code, message } });

/** A TypeScript module: .ts, .mts, .cts (not .d.ts, which has no code). */
export const TS_MODULE = /(?<!\.d)\.[cm]?ts$/;

type TypeScript = typeof import('typescript');
type Diagnostic = import('typescript').Diagnostic;

/** How spec modules are loaded. */
export interface SpecModuleOptions {
  /** Type-check a .ts module (and what it imports) before loading it. */
  readonly typecheck?: boolean;
}

/** At most this many diagnostics are printed (the rest are counted). */
const MAX_DIAGNOSTICS = 20;

/** `file:line:col: reason (TSnnnn)`, one per diagnostic, the file relative to `cwd`. */
export function formatDiagnostics(ts: TypeScript, diags: readonly Diagnostic[], cwd: string): string {
  const lines = diags.slice(0, MAX_DIAGNOSTICS).map((d) => {
    const text = ts.flattenDiagnosticMessageText(d.messageText, '\n    ');
    if (!d.file || d.start === undefined) return `${text} (TS${d.code})`;
    const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
    const rel = path.relative(cwd, d.file.fileName);
    const file = rel.startsWith('..') || path.isAbsolute(rel) ? d.file.fileName : rel;
    return `${file}:${line + 1}:${character + 1}: ${text} (TS${d.code})`;
  });
  if (diags.length > MAX_DIAGNOSTICS) lines.push(`... and ${diags.length - MAX_DIAGNOSTICS} more`);
  return lines.join('\n');
}

/** The syntax errors of a TypeScript source (no type checking, no other file read). */
export function syntaxDiagnostics(ts: TypeScript, abs: string, source: string): readonly Diagnostic[] {
  const out = ts.transpileModule(source, {
    fileName: abs,
    reportDiagnostics: true,
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
  });
  return (out.diagnostics ?? []).filter((d) => d.category === ts.DiagnosticCategory.Error);
}

/**
 * The type errors of a module and what it imports, under the nearest
 * tsconfig.json above it (its compiler options; its file list is ignored),
 * or strict defaults when there is none.
 */
export function typeDiagnostics(ts: TypeScript, abs: string): readonly Diagnostic[] {
  const defaults: import('typescript').CompilerOptions = {
    strict: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.Node10,
    esModuleInterop: true,
    skipLibCheck: true,
    types: [],
  };
  let options = defaults;
  const config = ts.findConfigFile(path.dirname(abs), ts.sys.fileExists);
  if (config) {
    const parsed = ts.getParsedCommandLineOfConfigFile(config, {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined });
    if (parsed) options = parsed.options;
  }
  const program = ts.createProgram([abs], { ...options, noEmit: true, incremental: false, composite: false, declaration: false, emitDeclarationOnly: false });
  return ts.getPreEmitDiagnostics(program).filter((d) => d.category === ts.DiagnosticCategory.Error);
}

/**
 * Lets `require` load TypeScript: registers ts-node (transpile only, CommonJS)
 * unless a loader for .ts is already there (ts-node of a run from the
 * sources, ts-jest). Called on first use, for a .ts spec module only.
 */
export function registerTypeScript(): void {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  if (require.extensions['.ts']) return;
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  (require('ts-node') as typeof import('ts-node')).register({
    transpileOnly: true,
    skipProject: true,
    compilerOptions: { module: 'commonjs', target: 'ES2022', esModuleInterop: true, moduleResolution: 'node', resolveJsonModule: true },
  });
}

/** A load error's text: a ts-node compile error in full (its diagnostics), anything else its first line. */
function loadErrorText(e: unknown): string {
  const d = (e as { diagnosticText?: unknown } | null)?.diagnosticText;
  return typeof d === 'string' && d.trim() !== '' ? d.trim() : firstLine(e);
}

/** Checks a .ts module's syntax (and types, if asked); a failure names each error with file:line:col. */
function checkTypeScript(typed: string, abs: string, io: CliIo, opts: SpecModuleOptions): Failure | undefined {
  let source: string;
  try {
    source = io.readFile(abs);
  } catch {
    return undefined; // the loader will say why
  }
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const ts = require('typescript') as TypeScript;
  const syntax = syntaxDiagnostics(ts, abs, source);
  if (syntax.length) return specError('MC101', `cannot compile spec module '${typed}': syntax error${syntax.length === 1 ? '' : 's'}:\n${formatDiagnostics(ts, syntax, io.cwd)}`);
  if (!opts.typecheck) return undefined;
  const types = typeDiagnostics(ts, abs);
  if (types.length) return specError('MC101', `spec module '${typed}' does not type-check (--typecheck): ${types.length} error${types.length === 1 ? '' : 's'}:\n${formatDiagnostics(ts, types, io.cwd)}`);
  return undefined;
}

/**
 * The constants as the factory sees them, recording which keys it reads (a
 * destructuring parameter reads each of its names). A factory that
 * enumerates the object (spread, Object.keys) may read anything: then no key
 * is called unknown.
 */
function watchedConsts(consts: Record<string, unknown>): { proxy: Record<string, unknown>; read: Set<string>; enumerated: boolean } {
  const read = new Set<string>();
  const w = { enumerated: false };
  const proxy = new Proxy(consts, {
    get(t, k) {
      if (typeof k === 'string') read.add(k);
      return Reflect.get(t, k);
    },
    has(t, k) {
      if (typeof k === 'string') read.add(k);
      return Reflect.has(t, k);
    },
    getOwnPropertyDescriptor(t, k) {
      if (typeof k === 'string') read.add(k);
      return Reflect.getOwnPropertyDescriptor(t, k);
    },
    ownKeys(t) {
      w.enumerated = true;
      return Reflect.ownKeys(t);
    },
  });
  return {
    proxy,
    read,
    get enumerated() {
      return w.enumerated;
    },
  };
}

/** Loads a spec module (see the module doc for what it may export). */
export function loadSpecModule(typed: string, consts: Consts, io: CliIo, opts: SpecModuleOptions = {}): Result<Failure, ResolvedSpec> {
  const abs = path.resolve(io.cwd, typed);
  if (!io.fileExists(abs)) return err(specError('MC101', `cannot find spec module '${typed}' (looked for ${abs})`));
  if (TS_MODULE.test(abs)) {
    const bad = checkTypeScript(typed, abs, io, opts);
    if (bad) return err(bad);
  } else if (opts.typecheck) {
    return err(usage(`--typecheck applies to TypeScript spec modules (.ts), not '${typed}'`));
  }
  let mod: unknown;
  try {
    mod = io.loadModule(abs);
  } catch (e) {
    return err(specError('MC101', `cannot load spec module '${typed}': ${loadErrorText(e)}`));
  }
  const m = (mod ?? {}) as Record<string, unknown>;
  const factory = typeof m.build === 'function' ? m.build : typeof m.default === 'function' ? m.default : undefined;
  const source = `module ${typed}`;
  const named = (s: AnySpec): AnySpec => (typeof s.name === 'string' && s.name !== '' ? s : { ...s, name: path.basename(abs).replace(MODULE_EXT, '') });
  if (factory) {
    const typedConsts = Object.fromEntries(Object.entries(consts).map(([k, v]) => [k, coerceConst(v)]));
    // Which constants the factory reads: a --const it never looks at is a typo (exit 151), as for the built-in specs.
    const watch = watchedConsts(typedConsts);
    let built: unknown;
    try {
      built = (factory as (c: unknown) => unknown)(watch.proxy);
    } catch (e) {
      return err(specError('MC102', `the factory of spec module '${typed}' rejected its constants: ${firstLine(e)}`));
    }
    if (!isSpecLike(built)) return err(specError('MC101', `the factory of spec module '${typed}' did not return a spec (an object with variables, init and actions)`));
    const declared = [...watch.read, ...Object.keys((built as AnySpec).params ?? {})];
    const unknown = watch.enumerated ? [] : Object.keys(consts).filter((k) => !declared.includes(k));
    if (unknown.length > 0) {
      const known = [...new Set(declared)].filter((k) => !unknown.includes(k));
      return err(
        usage(
          `spec module '${typed}' has no constant '${unknown[0]}'${unknown.length > 1 ? ` (nor ${unknown.slice(1).map((k) => `'${k}'`).join(', ')})` : ''}`,
          `its factory reads ${known.length ? known.map((k) => `'${k}'`).join(', ') : 'none of the constants given'}${(() => {
            const near = suggest(unknown[0], known);
            return near ? `; did you mean '${near}'?` : '';
          })()}`,
        ),
      );
    }
    const exportName = typeof m.build === 'function' ? 'build' : 'default';
    return ok({ spec: named(built), source, ...(named(built) === built ? { recipe: { module: abs, exportName, args: [typedConsts] } } : {}) });
  }
  const spec = [m.default, m.spec, mod].find(isSpecLike);
  if (!spec) {
    return err(specError('MC101', `spec module '${typed}' exports no spec: expected a default export, an export named 'spec', or a factory 'build(consts)'`));
  }
  if (Object.keys(consts).length > 0) {
    return err(usage(`spec module '${typed}' exports a spec, not a factory, so it takes no --const`, `export build(consts) to accept constants`));
  }
  const exportName = spec === m.default ? 'default' : spec === m.spec ? 'spec' : undefined;
  return ok({ spec: named(spec), source, ...(exportName !== undefined && named(spec) === spec ? { recipe: { module: abs, exportName } } : {}) });
}

/** Resolves a target to a spec. */
export function resolveTarget(target: SpecTarget, consts: Consts, cfg: ResolvedCliConfig, io: CliIo, opts: SpecModuleOptions = {}): Result<Failure, ResolvedSpec> {
  if (opts.typecheck && target.kind !== 'path') return err(usage('--typecheck applies to a spec module (a .ts file), not to a registered spec or --stack', 'e.g. gfpcheck check ./my-spec.ts --typecheck'));
  switch (target.kind) {
    case 'path':
      return loadSpecModule(target.path, consts, io, opts);
    case 'selector': {
      const sel = cfg.selectors.find((s) => s.name === target.selector) as SpecSelector | undefined;
      if (!sel) return err({ kind: 'spec', error: { code: 'MC501', message: `no spec selector '${target.selector}'` } });
      return sel.resolve(target.request);
    }
    case 'name': {
      for (const p of cfg.providers) {
        const r = p.resolve(target.name, consts);
        if (r) return r;
      }
      const names = cfg.providers.flatMap((p) => p.list().map((row) => row.name));
      const near = suggest(target.name, names);
      return err(
        usage(
          `unknown spec '${target.name}'`,
          `${near ? `did you mean '${near}'? ` : ''}'gfpcheck list' shows the spec names; a path to a .ts or .js module also works`,
        ),
      );
    }
  }
}
