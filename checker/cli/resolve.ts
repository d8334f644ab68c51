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

/** Loads a spec module (see the module doc for what it may export). */
export function loadSpecModule(typed: string, consts: Consts, io: CliIo): Result<Failure, ResolvedSpec> {
  const abs = path.resolve(io.cwd, typed);
  if (!io.fileExists(abs)) return err(specError('MC101', `cannot find spec module '${typed}' (looked for ${abs})`));
  let mod: unknown;
  try {
    mod = io.loadModule(abs);
  } catch (e) {
    return err(specError('MC101', `cannot load spec module '${typed}': ${firstLine(e)}`));
  }
  const m = (mod ?? {}) as Record<string, unknown>;
  const factory = typeof m.build === 'function' ? m.build : typeof m.default === 'function' ? m.default : undefined;
  const source = `module ${typed}`;
  const named = (s: AnySpec): AnySpec => (typeof s.name === 'string' && s.name !== '' ? s : { ...s, name: path.basename(abs).replace(MODULE_EXT, '') });
  if (factory) {
    const typedConsts = Object.fromEntries(Object.entries(consts).map(([k, v]) => [k, coerceConst(v)]));
    let built: unknown;
    try {
      built = (factory as (c: unknown) => unknown)(typedConsts);
    } catch (e) {
      return err(specError('MC102', `the factory of spec module '${typed}' rejected its constants: ${firstLine(e)}`));
    }
    if (!isSpecLike(built)) return err(specError('MC101', `the factory of spec module '${typed}' did not return a spec (an object with variables, init and actions)`));
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
export function resolveTarget(target: SpecTarget, consts: Consts, cfg: ResolvedCliConfig, io: CliIo): Result<Failure, ResolvedSpec> {
  switch (target.kind) {
    case 'path':
      return loadSpecModule(target.path, consts, io);
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
