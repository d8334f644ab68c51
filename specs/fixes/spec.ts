/**
 * A stack spec with a fix set applied, plus the cost witness.
 *
 * `buildFixedStackSpec` is `buildStackSpec` with the composed delta of a
 * kernel profile (specs/profiles.ts, default 5.2) and the named fixes on top
 * as its config (the profile's label is the spec's `kernel` param), the fix set recorded in the spec's params (so a
 * saved report says which fixes it was run with) and one more reachability
 * witness: Andreas Dilger's objection to the ext4 patch ("it prevents
 * __GFP_FS reclaim when ext4 is *not* at the bottom of the IO stack"),
 * stated on the model's state.
 *
 * @module
 */
import type { Spec, Witness } from '../../checker';
import { composeStack, parseGfp, PF_BITS } from '../../models';
import type { StackOptions } from '../../models';
import { fixSetLabel, resolveFixes } from './index';
export { FixModuleError, isFixModuleRef } from './module';
export { LayerModuleError } from '../layers';
import { resolveLayerModules } from '../layers';
import { composeProfile, DEFAULT_PROFILE, resolveProfile } from '../profiles';
import { COST_WITNESS } from './types';

export { COST_WITNESS };

const GFP_FS = parseGfp('__GFP_FS');
const GFP_DIRECT_RECLAIM = parseGfp('__GFP_DIRECT_RECLAIM');
const PF_MEMALLOC = 1 << PF_BITS.indexOf('PF_MEMALLOC');

type K = ReturnType<typeof composeStack>['kernel'];
type KS = Parameters<K['task']>[0];

/**
 * "An application task enters super_cache_scan with __GFP_FS": some
 * application task (the workload on the top filesystem, never a daemon) is
 * either
 * - inside super_cache_scan (a blocking filesystem shrinker left its frames on
 *   the stack; they are pushed only past the __GFP_FS check), or
 * - at the entry of direct reclaim: its top frame is __alloc_pages_slowpath
 *   not yet retried (n = 0), the freelist is empty, the effective mask of the
 *   allocation has __GFP_DIRECT_RECLAIM and __GFP_FS, and the task does not
 *   have PF_MEMALLOC. The model's next step for that task is then
 *   __alloc_pages_direct_reclaim → try_to_free_pages → shrink_slab, which
 *   calls every registered shrinker, and super_cache_scan passes its
 *   "if (!(sc->gfp_mask & __GFP_FS)) return SHRINK_STOP" check.
 * The second case is needed because a shrinker that does not block runs
 * inside one step and leaves no frame in any state.
 */
export function costWitness(kernel: K): Witness<any> {
  const hasSuperShrinker = kernel.shrinkerList.some((s) => s.name.startsWith('super_cache_scan'));
  const apps = kernel.allTasks().filter((t) => kernel.role(t).startsWith('app-'));
  return {
    name: COST_WITNESS,
    reached: (k: KS) =>
      hasSuperShrinker &&
      apps.some((t) => {
        const v = kernel.task(k, t);
        // evaluated on every state while unreached: the frames read in place, no copy of the stack
        for (let i = 0; i < v.sp; i++) if (v.stack[i].fn === 'super_cache_scan') return true;
        const top = v.sp > 0 ? v.stack[v.sp - 1] : undefined;
        if (!top || top.fn !== '__alloc_pages_slowpath' || top.n !== 0 || k.mm.free !== 0) return false;
        const gfp = kernel.allocGfp(v);
        return (gfp & GFP_FS) !== 0 && (gfp & GFP_DIRECT_RECLAIM) !== 0 && (v.flags & PF_MEMALLOC) === 0;
      }),
  };
}

export interface FixedStackOptions extends Omit<StackOptions, 'config' | 'layers'> {
  /** Fix names (see specs/fixes/index.ts); empty or absent: the v5.2 baseline. */
  readonly fixes?: readonly string[];
  /** Kernel profile (specs/profiles.ts) the fixes apply on top of; absent: 5.2, the kernel of the report. */
  readonly kernel?: string;
  /** Layer modules (`--layer ./dm-linear.ts`, specs/layers.ts) whose layers `stack` may name. */
  readonly layers?: readonly string[];
  /** Directory that module paths in `fixes` (`./my-fix.ts`) and `layers` are relative to; absent: the current directory. */
  readonly moduleBase?: string;
}

/** Thrown for an unknown fix name (a usage error: the message lists the known fixes). */
export class FixError extends Error {
  override name = 'FixError';
}

/** Thrown for an unknown kernel profile (a usage error: the message lists the known profiles). */
export class ProfileError extends FixError {
  override name = 'ProfileError';
}

/**
 * Builds the spec of a stack with a fix set. Throws FixError for an unknown
 * fix, FixModuleError for a fix module that cannot be used (specs/fixes/module.ts),
 * LayerModuleError for such a layer module (specs/layers.ts)
 * and StackError (from models/) for an invalid stack, workload or parameter.
 */
export function buildFixedStackSpec(opts: FixedStackOptions): Spec<any> {
  const names = [...(opts.fixes ?? [])];
  const r = resolveFixes(names, opts.moduleBase);
  if (!r.ok) throw new FixError(r.error);
  const profile = opts.kernel ?? DEFAULT_PROFILE;
  const p = resolveProfile(profile);
  if (!p.ok) throw new ProfileError(p.error);
  const layers = opts.layers?.length ? { layers: resolveLayerModules(opts.layers, opts.moduleBase) } : {};
  const { kernel, spec } = composeStack({ stack: opts.stack, workload: opts.workload, params: opts.params, config: composeProfile(profile, r.fixes), ...layers, ...(opts.track ? { track: opts.track } : {}) });
  const label = fixSetLabel(r.fixes.map((f) => f.name));
  return {
    ...spec,
    description: `${spec.description}${r.fixes.length ? ` with fix ${label}` : ''}`,
    params: { ...(spec.params ?? {}), fixes: label },
    witnesses: [...(spec.witnesses ?? []), costWitness(kernel)],
  };
}
