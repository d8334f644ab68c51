/**
 * The registry of proposed fixes, and how fixes combine.
 *
 * Each fix is one file in this folder (see docs/adding-a-fix.md); its name is
 * part of the CLI (`--fix <name>`, repeatable) and of specs/verdicts.json.
 * `composeFixes` merges several deltas into one `Partial<KernelConfig>`:
 *
 * - `scopes` concatenate (each rule brackets its frame; nested scopes save
 *   and restore like memalloc_*_save/restore);
 * - `taskFlags` are the union, per role, of the v5.2 flags and every fix's;
 * - `mappingClear` (per filesystem), `lowerFsMappingClear` and
 *   `loopBackingClear` are unions of cleared bits (with the v5.2 bits);
 * - `allocSites`: per site, the later fix's mask wins;
 * - `bioCarriesScope`: on if any fix turns it on;
 * - `xfsInodeReclaim` and any other scalar: the later fix wins;
 * - any other record field: merged key by key, the later fix winning.
 *
 * Unions start from the v5.2 value because `resolveConfig` replaces a role's
 * flag list (or a filesystem's mapping bits) rather than merging it.
 *
 * @module
 */
import { OrderedMap, OrderedSet, Seq } from 'immutable';
import { defaultKernelConfig } from '../../models';
import type { FsName, GfpFlag, KernelConfig, Role, TaskFlag } from '../../models';
import type { Fix, FixDelta } from './types';
import { FixModuleError, isFixModuleRef, loadFixModule } from './module';
import { bioCarriesNofs } from './bioCarriesNofs';
import { dmzonedNofsScope } from './dmzonedNofsScope';
import { ext4MappingNofs } from './ext4MappingNofs';
import { ioFlusher } from './ioFlusher';
import { loopWorkerNoio } from './loopWorkerNoio';
import { lowerFsIoNofs } from './lowerFsIoNofs';
import { nofsMountOption } from './nofsMountOption';
import { pagecacheNofs } from './pagecacheNofs';
import { rwfNofsreclaim } from './rwfNofsreclaim';
import { tcmuGfpNoio } from './tcmuGfpNoio';
import { xfsAsyncInodeReclaim } from './xfsAsyncInodeReclaim';

export type { Fix, FixDelta } from './types';
export { deltaProblems, fixProblems, FixModuleError, isFixModuleRef, loadFixModule } from './module';

/** Every known fix, in the order of the verdict matrix (the thread's order, then the related kernel changes). */
export const FIXES: readonly Fix[] = [
  ext4MappingNofs,
  pagecacheNofs,
  lowerFsIoNofs,
  dmzonedNofsScope,
  bioCarriesNofs,
  rwfNofsreclaim,
  nofsMountOption,
  ioFlusher,
  tcmuGfpNoio,
  loopWorkerNoio,
  xfsAsyncInodeReclaim,
];

/** The names of the known fixes, in matrix order. */
export const fixNames = (): string[] => FIXES.map((f) => f.name);

/** The fix of that name, or undefined. */
export const findFix = (name: string): Fix | undefined => FIXES.find((f) => f.name === name);

/**
 * Looks up fix names; an unknown name is a usage error whose message lists the
 * known fixes. An entry that is a path (`./my-fix.ts`, see module.ts:
 * isFixModuleRef) is loaded as a fix module, relative to `base` (default: the
 * current directory); a module that cannot be used throws FixModuleError.
 */
export function resolveFixes(names: readonly string[], base?: string): { ok: true; fixes: Fix[] } | { ok: false; error: string } {
  const fixes: Fix[] = [];
  for (const name of names) {
    if (isFixModuleRef(name)) {
      const m = loadFixModule(name, base);
      const clash = findFix(m.name);
      if (clash) throw new FixModuleError(`fix module '${name}' names its fix "${m.name}", the name of a built-in fix; give it a name of its own`);
      const same = fixes.find((f) => f.name === m.name);
      if (same && same !== m) throw new FixModuleError(`fix module '${name}' names its fix "${m.name}", as another fix of the same set does; give it a name of its own`);
      if (!same) fixes.push(m);
      continue;
    }
    const f = findFix(name);
    if (!f) return { ok: false, error: `unknown fix "${name}"; known fixes: ${fixNames().join(', ')}` };
    if (!fixes.includes(f)) fixes.push(f);
  }
  return { ok: true, fixes };
}

/** The label of a fix set: `none`, or the names joined with ` + `. */
export const fixSetLabel = (names: readonly string[]): string => (names.length === 0 ? 'none' : names.join(' + '));

/** The lists, merged in first-seen order without repeats. */
const union = <T>(...lists: (readonly T[] | undefined)[]): T[] => OrderedSet<T>().union(...lists.map((l) => l ?? [])).toArray();

/** `next` merged into `prev` key by key: each key of `next` is `combine`d with the same key of `prev` (key order: prev's, then new ones). */
function mergeKeys<V>(prev: Readonly<Record<string, V>> | undefined, next: Readonly<Record<string, V>>, combine: (a: V | undefined, b: V, key: string) => V): Record<string, V> {
  return Seq.Keyed(next)
    .reduce((m, v, k) => m.set(k, combine(m.get(k), v, k)), OrderedMap<string, V>(Object.entries(prev ?? {})))
    .toObject();
}

const isPlainRecord = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

type Rule = (prev: any, next: any) => unknown; // eslint-disable-line @typescript-eslint/no-explicit-any

/** How a field of a later fix combines with the same field composed so far (the module comment's rules). */
const RULES: { readonly [K in keyof FixDelta]?: Rule } = {
  scopes: (prev: FixDelta['scopes'], next: NonNullable<FixDelta['scopes']>) => [...(prev ?? []), ...next],
  taskFlags: (prev: Record<string, TaskFlag[]> | undefined, next: Record<string, TaskFlag[]>) =>
    mergeKeys(prev, next, (a, b, role) => union(defaultKernelConfig.taskFlags[role as Role], a, b)),
  mappingClear: (prev: Record<string, GfpFlag[]> | undefined, next: Record<string, GfpFlag[]>) =>
    mergeKeys(prev, next, (a, b, fs) => union(defaultKernelConfig.mappingClear[fs as FsName], a, b)),
  lowerFsMappingClear: (prev: GfpFlag[] | undefined, next: GfpFlag[]) => union(defaultKernelConfig.lowerFsMappingClear, prev, next),
  loopBackingClear: (prev: GfpFlag[] | undefined, next: GfpFlag[]) => union(defaultKernelConfig.loopBackingClear, prev, next),
  allocSites: (prev: Record<string, unknown> | undefined, next: Record<string, unknown>) => mergeKeys(prev, next, (_a, b) => b),
  bioCarriesScope: (prev: boolean | undefined, next: boolean) => (prev ?? false) || next,
};

/** Any other field: a record merged key by key (the later fix winning), anything else replaced. */
const otherField: Rule = (prev, next) => (isPlainRecord(next) && isPlainRecord(prev) ? { ...prev, ...next } : next);

/**
 * Merges the deltas of several fixes into one (see the module comment for the
 * rules, one per field in `RULES`). The composition is a fold of persistent
 * maps (immutable's OrderedMap): no delta and no intermediate result is ever
 * mutated, and keys keep their first-seen order.
 */
export function composeFixes(fixes: readonly Fix[]): Partial<KernelConfig> {
  const composed = fixes.reduce(
    (out, { delta }) =>
      Seq.Keyed(delta as Record<string, unknown>).reduce(
        (acc, next, key) => acc.set(key, next === undefined ? undefined : (RULES[key as keyof FixDelta] ?? otherField)(acc.get(key), next)),
        out,
      ),
    OrderedMap<string, unknown>(),
  );
  // record fields are partial: resolveConfig merges them key by key into the v5.2 defaults
  return composed.toObject() as Partial<KernelConfig>;
}
