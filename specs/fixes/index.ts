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
import { defaultKernelConfig } from '../../models';
import type { FsName, GfpFlag, KernelConfig, Role, TaskFlag } from '../../models';
import type { Fix, FixDelta } from './types';
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

/** Looks up fix names; an unknown name is a usage error whose message lists the known fixes. */
export function resolveFixes(names: readonly string[]): { ok: true; fixes: Fix[] } | { ok: false; error: string } {
  const fixes: Fix[] = [];
  for (const name of names) {
    const f = findFix(name);
    if (!f) return { ok: false, error: `unknown fix "${name}"; known fixes: ${fixNames().join(', ')}` };
    if (!fixes.includes(f)) fixes.push(f);
  }
  return { ok: true, fixes };
}

/** The label of a fix set: `none`, or the names joined with ` + `. */
export const fixSetLabel = (names: readonly string[]): string => (names.length === 0 ? 'none' : names.join(' + '));

const union = <T>(...lists: (readonly T[] | undefined)[]): T[] => {
  const out: T[] = [];
  for (const l of lists) for (const x of l ?? []) if (!out.includes(x)) out.push(x);
  return out;
};

const HANDLED = new Set<string>(['scopes', 'taskFlags', 'mappingClear', 'lowerFsMappingClear', 'loopBackingClear', 'allocSites', 'bioCarriesScope']);
const isPlainRecord = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

/** Merges the deltas of several fixes into one (see the module comment for the rules). */
export function composeFixes(fixes: readonly Fix[]): Partial<KernelConfig> {
  const d = defaultKernelConfig;
  type Mutable = { -readonly [K in keyof FixDelta]: FixDelta[K] };
  let out: Mutable = {};
  for (const { delta } of fixes) {
    const next: Mutable = { ...out, ...delta };
    if (delta.scopes) next.scopes = [...(out.scopes ?? []), ...delta.scopes];
    if (delta.taskFlags) {
      const tf: Partial<Record<Role, TaskFlag[]>> = { ...(out.taskFlags ?? {}) } as Partial<Record<Role, TaskFlag[]>>;
      for (const role of Object.keys(delta.taskFlags) as Role[]) {
        tf[role] = union(d.taskFlags[role], out.taskFlags?.[role], delta.taskFlags[role]);
      }
      next.taskFlags = tf;
    }
    if (delta.mappingClear) {
      const mc: Partial<Record<FsName, GfpFlag[]>> = { ...(out.mappingClear ?? {}) } as Partial<Record<FsName, GfpFlag[]>>;
      for (const fs of Object.keys(delta.mappingClear) as FsName[]) {
        mc[fs] = union(d.mappingClear[fs], out.mappingClear?.[fs], delta.mappingClear[fs]);
      }
      next.mappingClear = mc;
    }
    if (delta.lowerFsMappingClear) next.lowerFsMappingClear = union(d.lowerFsMappingClear, out.lowerFsMappingClear, delta.lowerFsMappingClear);
    if (delta.loopBackingClear) next.loopBackingClear = union(d.loopBackingClear, out.loopBackingClear, delta.loopBackingClear);
    if (delta.allocSites) next.allocSites = { ...(out.allocSites ?? {}), ...delta.allocSites };
    if (delta.bioCarriesScope !== undefined) next.bioCarriesScope = (out.bioCarriesScope ?? false) || delta.bioCarriesScope;
    // any other record field (e.g. a later model's allocation-mask table): per key, the later fix wins
    for (const key of Object.keys(delta) as (keyof FixDelta)[]) {
      if (HANDLED.has(key)) continue;
      const v = delta[key] as unknown;
      const prev = out[key] as unknown;
      if (isPlainRecord(v) && isPlainRecord(prev)) (next as Record<string, unknown>)[key] = { ...prev, ...v };
    }
    out = next;
  }
  // record fields are partial: resolveConfig merges them key by key into the v5.2 defaults
  return out as Partial<KernelConfig>;
}
