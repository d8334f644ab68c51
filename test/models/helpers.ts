import type { Spec } from '../../checker';
import { composeStack, StackOptions } from '../../models';
import { KState, Kernel } from '../../models/kernel';
import { Task, TaskRef, top } from '../../models/core/task';

export function compose(opts: StackOptions): { K: Kernel; s0: KState; spec: ReturnType<typeof composeStack>['spec'] } {
  const { kernel, spec } = composeStack(opts);
  return { K: kernel, s0: spec.init()[0] as KState, spec };
}

/** A state with no free page. */
export const noFree = (k: KState): KState => ({ ...k, mm: { ...k.mm, free: 0 } });

export const daemon = (K: Kernel, name: string): TaskRef => {
  const d = K.daemons.findIndex((x) => x.name === name);
  if (d < 0) throw new Error(`no task ${name}`);
  return { d };
};

export const fns = (t: Task): string[] => t.stack.slice(0, t.sp).map((f) => f.fn);
export const topFn = (t: Task): string | undefined => top(t)?.fn;

export function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object' && !Object.isFrozen(o)) {
    Object.freeze(o);
    for (const v of Object.values(o as object)) deepFreeze(v);
  }
  return o;
}

/**
 * A stack spec whose deadlock classes also name the reclaim entry of each
 * wait (`role@waitpoint[via]`, the `via` of the explanation's cycle), for
 * tests about which allocation sites a change closes. The model's own class
 * is the set of role@waitpoint pairs only, so two entries into the same
 * wait are one class there.
 */
export function byEntry<S extends Readonly<Record<string, unknown>>>(spec: Spec<S>): Spec<S> {
  return {
    ...spec,
    deadlockClass: (s: S) => {
      const cycle = (spec.explain!(s) as { cycle: { role: string; at: string; via?: string }[] }).cycle;
      if (!cycle.length) return spec.deadlockClass!(s);
      return [...new Set(cycle.map((e) => `${e.role}@${e.at}${e.via ? `[${e.via}]` : ''}`))].sort().join(' + ');
    },
  };
}
