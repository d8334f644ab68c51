/**
 * composeFixes and composeProfile are folds of persistent maps (immutable):
 * cross-checked against the hand-written merge they replaced (kept here as
 * the reference implementation) on random fix lists, in random order with
 * repeats (fast-check, seeded); inputs are never mutated; key order is
 * first-seen.
 */
import fc from 'fast-check';
import { defaultKernelConfig } from '../../models';
import type { FsName, GfpFlag, KernelConfig, Role, TaskFlag } from '../../models';
import { composeFixes, FIXES } from '../../specs/fixes';
import type { Fix, FixDelta } from '../../specs/fixes';
import { composeProfile, MERGED, profileNames, resolveProfile } from '../../specs/profiles';

/** The hand-written merge of commit bfe493f, verbatim in behaviour: the reference. */
function referenceCompose(fixes: readonly Fix[]): Partial<KernelConfig> {
  const d = defaultKernelConfig;
  const union = <T>(...lists: (readonly T[] | undefined)[]): T[] => {
    const out: T[] = [];
    for (const l of lists) for (const x of l ?? []) if (!out.includes(x)) out.push(x);
    return out;
  };
  const HANDLED = new Set<string>(['scopes', 'taskFlags', 'mappingClear', 'lowerFsMappingClear', 'loopBackingClear', 'allocSites', 'bioCarriesScope']);
  const isRec = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
  type Mutable = { -readonly [K in keyof FixDelta]: FixDelta[K] };
  let out: Mutable = {};
  for (const { delta } of fixes) {
    const next: Mutable = { ...out, ...delta };
    if (delta.scopes) next.scopes = [...(out.scopes ?? []), ...delta.scopes];
    if (delta.taskFlags) {
      const tf = { ...(out.taskFlags ?? {}) } as Partial<Record<Role, TaskFlag[]>>;
      for (const role of Object.keys(delta.taskFlags) as Role[]) tf[role] = union(d.taskFlags[role], out.taskFlags?.[role], delta.taskFlags[role]);
      next.taskFlags = tf;
    }
    if (delta.mappingClear) {
      const mc = { ...(out.mappingClear ?? {}) } as Partial<Record<FsName, GfpFlag[]>>;
      for (const fs of Object.keys(delta.mappingClear) as FsName[]) mc[fs] = union(d.mappingClear[fs], out.mappingClear?.[fs], delta.mappingClear[fs]);
      next.mappingClear = mc;
    }
    if (delta.lowerFsMappingClear) next.lowerFsMappingClear = union(d.lowerFsMappingClear, out.lowerFsMappingClear, delta.lowerFsMappingClear);
    if (delta.loopBackingClear) next.loopBackingClear = union(d.loopBackingClear, out.loopBackingClear, delta.loopBackingClear);
    if (delta.allocSites) next.allocSites = { ...(out.allocSites ?? {}), ...delta.allocSites };
    if (delta.bioCarriesScope !== undefined) next.bioCarriesScope = (out.bioCarriesScope ?? false) || delta.bioCarriesScope;
    for (const key of Object.keys(delta) as (keyof FixDelta)[]) {
      if (HANDLED.has(key)) continue;
      const v = delta[key] as unknown;
      const prev = out[key] as unknown;
      if (isRec(v) && isRec(prev)) (next as Record<string, unknown>)[key] = { ...prev, ...v };
    }
    out = next;
  }
  return out as Partial<KernelConfig>;
}

const deepFreeze = <T>(x: T): T => {
  if (typeof x === 'object' && x !== null && !Object.isFrozen(x)) {
    Object.freeze(x);
    for (const v of Object.values(x)) deepFreeze(v);
  }
  return x;
};

// the real fixes and merged changes, plus synthetic deltas exercising the other-field rules (a scalar, a record)
const fake = (name: string, delta: Record<string, unknown>): Fix => ({ name, title: name, proposedBy: 't', where: 't', mechanism: 't', delta: delta as FixDelta });
const POOL: readonly Fix[] = [
  ...FIXES,
  ...MERGED,
  fake('sync-reclaim', { xfsInodeReclaim: 'blocking' }),
  fake('two-sites', { allocSites: { tcmu_alloc_cmd: ['__GFP_FS'] } as unknown }),
  fake('extra-record', { extraTable: { a: 1, b: 2 } }),
  fake('extra-record-2', { extraTable: { b: 3, c: 4 } }),
  fake('no-bio', { bioCarriesScope: false }),
];

describe('composeFixes with immutable', () => {
  it('equals the hand-written merge it replaced, key order included, for random fix lists (fast-check, seeded)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: POOL.length - 1 }), { maxLength: 8 }), (picks) => {
        const fixes = picks.map((i) => POOL[i]);
        expect(JSON.stringify(composeFixes(fixes))).toBe(JSON.stringify(referenceCompose(fixes)));
      }),
      { seed: 13, numRuns: 500 },
    );
  });

  it('never mutates a delta (deeply frozen inputs) and gives the same result twice', () => {
    const frozen = POOL.map((f) => deepFreeze({ ...f, delta: JSON.parse(JSON.stringify(f.delta)) as FixDelta }));
    const a = composeFixes(frozen);
    const b = composeFixes(frozen);
    expect(a).toEqual(b);
    expect(JSON.stringify(a)).toBe(JSON.stringify(referenceCompose(frozen)));
  });

  it('keeps keys in first-seen order and unions flags in first-seen order', () => {
    const d = composeFixes([fake('x', { loopBackingClear: ['__GFP_IO'], scopes: [] }), fake('y', { scopes: [], loopBackingClear: ['__GFP_FS', '__GFP_IO'] })]);
    expect(Object.keys(d)).toEqual(['loopBackingClear', 'scopes']);
    expect(d.loopBackingClear).toEqual([...new Set([...defaultKernelConfig.loopBackingClear, '__GFP_IO', '__GFP_FS'])]);
  });
});

describe('composeProfile with immutable', () => {
  it('equals the hand-written rename of task flags on every profile, for random fix sets (fast-check, seeded)', () => {
    fc.assert(
      fc.property(fc.constantFrom(...profileNames()), fc.subarray([...FIXES]), (name, fixes) => {
        const r = resolveProfile(name);
        if (!r.ok) throw new Error(r.error);
        // the reference: composeFixes of the profile's changes then the fixes, renames applied per role by hand
        const all = [...r.changes, ...fixes.filter((f) => !r.changes.some((c) => c.name === f.name))];
        const out: Record<string, unknown> = { ...referenceCompose(all) };
        const renames = r.changes.reduce<Partial<Record<TaskFlag, TaskFlag>>>((m, c) => ({ ...m, ...(c.renameTaskFlags ?? {}) }), {});
        if (Object.keys(renames).length) {
          const composed = (out.taskFlags ?? {}) as Partial<Record<Role, readonly TaskFlag[]>>;
          const roles = [...new Set([...Object.keys(defaultKernelConfig.taskFlags), ...Object.keys(composed)])] as Role[];
          const tf: Partial<Record<Role, TaskFlag[]>> = {};
          for (const role of roles) {
            const after: TaskFlag[] = [];
            for (const f of composed[role] ?? defaultKernelConfig.taskFlags[role] ?? []) {
              const g = renames[f] ?? f;
              if (!after.includes(g)) after.push(g);
            }
            tf[role] = after;
          }
          out.taskFlags = tf;
        }
        if (name !== '5.2') out.kernel = `v${name}`;
        expect(JSON.stringify(composeProfile(name, fixes))).toBe(JSON.stringify(out));
      }),
      { seed: 13, numRuns: 200 },
    );
  });
});
