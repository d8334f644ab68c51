/**
 * The v5.2 OOM path of an order-0 request that makes no progress
 * (mm/page_alloc.c: __alloc_pages_may_oom → mm/oom_kill.c: out_of_memory),
 * driven directly through the composed Kernel, and checked by search.
 */
import { check } from '../../../checker';
import { KState } from '../../../models/kernel';
import { GFP_KERNEL, GFP_NOFS, GFP_NOIO } from '../../../models/mm/gfp';
import { TaskRef } from '../../../models/core/task';
import { compose, topFn } from '../helpers';

/** ext4/ssd, one writer, no kswapd, no dirty throttling; every page-cache page dirty, nothing free: nothing is reclaimable. */
function exhausted(anon: string) {
  const { K, s0 } = compose({ stack: 'ext4/ssd', params: { anon_pages: anon, kswapd: '0', dirty_limit: '0' } });
  const t: TaskRef = { w: 0 };
  const done: boolean[] = [];
  K.onAllocDone('ksys_pwrite64', (kk, _t, ok) => (done.push(ok), kk));
  let k = { ...s0, mm: { ...s0.mm, free: 0 }, L0: { pc: { clean: 0, dirty: 2, wb: 0, locked: 0 } } } as KState;
  k = K.pushFrames(k, t, [{ fn: 'ksys_pwrite64', at: 0 }]);
  return { K, k, t, done };
}

/** Starts an allocation with `gfp` and runs the slow path's first (empty) reclaim round. */
function afterOneRound(x: ReturnType<typeof exhausted>, gfp: number): KState {
  const r = x.K.startAlloc(x.k, x.t, gfp, 0);
  expect(r.ok).toBe(false);
  const k1 = x.K.slowpath(r.k, x.t, -1)!; // direct reclaim: no clean page, no shrinker work
  expect(topFn(x.K.task(k1, x.t))).toBe('__alloc_pages_slowpath');
  expect(x.K.reclaimCouldProgress(k1, gfp)).toBe(false);
  return k1;
}

describe('OOM killer of v5.2 (out_of_memory)', () => {
  it('should OOM-kill the background process for a __GFP_FS request with nothing reclaimable, then allocate', () => {
    const x = exhausted('1');
    const k1 = afterOneRound(x, GFP_KERNEL);
    expect(k1.mm).toEqual({ free: 0, reserve: 1, anon: 1 });
    const k2 = x.K.slowpath(k1, x.t, -1)!; // __alloc_pages_may_oom → out_of_memory → oom_kill_process
    expect(k2.mm).toEqual({ free: 1, reserve: 1, anon: 0 });
    expect(topFn(x.K.task(k2, x.t))).toBe('__alloc_pages_slowpath'); // did_some_progress: retry
    x.K.slowpath(k2, x.t, -1);
    expect(x.done).toEqual([true]);
  });

  it('should refill the reserve first with the victim\'s pages', () => {
    const x = exhausted('2');
    const k1 = afterOneRound(x, GFP_KERNEL);
    const k2 = x.K.slowpath({ ...k1, mm: { ...k1.mm, reserve: 0 }, L0: { pc: { clean: 0, dirty: 3, wb: 0, locked: 0 } } } as KState, x.t, -1)!;
    expect(k2.mm).toEqual({ free: 1, reserve: 1, anon: 0 });
  });

  it.each([
    ['GFP_NOFS', GFP_NOFS],
    ['GFP_NOIO', GFP_NOIO],
  ])('should not kill for %s: out_of_memory returns without killing and the task waits (no step)', (_name, gfp) => {
    const x = exhausted('1');
    const k1 = afterOneRound(x, gfp);
    expect(x.K.slowpath(k1, x.t, -1)).toBeUndefined();
    expect(x.K.outOfMemory(k1, gfp)).toBeUndefined();
    expect(k1.mm.anon).toBe(1);
  });

  it('should not kill a NOIO-scoped GFP_KERNEL request (current_gfp_context clears __GFP_FS)', () => {
    const { K, s0 } = compose({
      stack: 'ext4/ssd',
      params: { anon_pages: '1', kswapd: '0', dirty_limit: '0' },
      config: { scopes: [{ frame: 'ksys_pwrite64', scope: 'NOIO' }] },
    });
    const t: TaskRef = { w: 0 };
    K.onAllocDone('ksys_pwrite64', (kk) => kk);
    let k = { ...s0, mm: { ...s0.mm, free: 0 }, L0: { pc: { clean: 0, dirty: 2, wb: 0, locked: 0 } } } as KState;
    k = K.pushFrames(k, t, [{ fn: 'ksys_pwrite64', at: 0 }]);
    const gfp = K.effectiveGfp(K.task(k, t).flags, { req: GFP_KERNEL });
    const r = K.startAlloc(k, t, gfp, 0);
    const k1 = K.slowpath(r.k, t, -1)!;
    expect(K.slowpath(k1, t, -1)).toBeUndefined();
  });

  it('should have no victim without anon_pages: the __GFP_FS request waits too (the stack\'s own tasks are not candidates)', () => {
    const x = exhausted('0');
    const k1 = afterOneRound(x, GFP_KERNEL);
    expect(x.K.slowpath(k1, x.t, -1)).toBeUndefined();
  });

  it('should conserve pages across kills in every reachable state, and keep the states of anon_pages=0', () => {
    const base = compose({ stack: 'ext4/ssd', params: { pages: '3' } }).spec;
    const withAnon = compose({ stack: 'ext4/ssd', params: { pages: '2', anon_pages: '1' } }).spec;
    const a = check(base, { allViolations: true });
    const b = check(withAnon, { allViolations: true });
    expect(a.status).toBe('holds');
    expect(a.stats.distinctStates).toBe(32); // pinned before issue 10 (pages=3 then counted the same memory)
    expect(b.status).toBe('holds'); // pages-are-conserved holds with the anonymous page counted
    expect(b.stats.distinctStates).toBe(47); // as without the anonymous page (47 at pages=2): no __GFP_FS request runs out of reclaimable memory here, so no kill
  });
});
