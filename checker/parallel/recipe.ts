/**
 * Rebuilding a spec from its recipe (`SpecRecipe`, result.ts) in a worker
 * thread: `require(module)[exportName](...args)`. The engine knows nothing of
 * what the module builds; specs/cli.ts gives the recipes of its specs.
 *
 * @module
 */
import * as path from 'path';
import type { SpecRecipe } from '../result';
import type { AnySpec } from '../spec';
import type { Compiled } from '../compile';

/** Registers ts-node once, for a `.ts` module loaded from a compiled build. */
export function ensureTypeScript(module: string): void {
  if (!/\.[cm]?ts$/.test(module) || require.extensions['.ts'] !== undefined) return;
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  (require('ts-node') as typeof import('ts-node')).register({ transpileOnly: true, compilerOptions: { module: 'commonjs' } });
}

/** Builds the spec a recipe describes; throws when it does not give a spec. */
export function buildFromRecipe(r: SpecRecipe): AnySpec {
  if (!path.isAbsolute(r.module)) throw new Error(`spec recipe: module '${r.module}' is not an absolute path`);
  ensureTypeScript(r.module);
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const m = require(r.module) as Record<string, unknown>;
  const name = r.exportName ?? ['build', 'default', 'spec'].find((k) => m[k] !== undefined);
  const x = name !== undefined ? m[name] : undefined;
  if (x === undefined) throw new Error(`spec recipe: module ${r.module} has no export ${r.exportName ?? 'build, default or spec'}`);
  const spec = typeof x === 'function' ? (x as (...a: unknown[]) => unknown)(...(r.args ?? [])) : x;
  if (typeof spec !== 'object' || spec === null) throw new Error(`spec recipe: ${r.module}:${name} did not give a spec`);
  return spec as AnySpec;
}

/** What must agree between the coordinator's spec and a worker's rebuilt one. */
export function specSignature(c: Compiled): string {
  return JSON.stringify([c.spec.name, c.spec.params ?? {}, c.words, c.actions.map((a) => `${a.name}/${a.arity}`), c.invariantNames, c.witnessNames, c.layout.leaves.length]);
}
