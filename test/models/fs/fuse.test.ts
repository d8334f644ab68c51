/**
 * models/fs/fuse.ts as unit scenarios (issue 11): single actions on the
 * composed Kernel of fuse/ext4/ssd, never a search.
 *
 * Layers: 0 fuse, 1 ext4, 2 ssd.
 */
import { formatGfp } from '../../../models/mm/gfp';
import { KState } from '../../../models/kernel';
import { waitOf } from '../../../models/core/waitfor';
import { compose, daemon, fns, noFree, topFn } from '../helpers';

type Spec = ReturnType<typeof compose>['spec'];
const act = (spec: Spec, name: string) => {
  const a = spec.actions.find((x) => x.name === name);
  if (!a) throw new Error(`no action ${name}`);
  return a;
};
const withDirty = (k: KState, dirty: number): KState => ({ ...k, L0: { ...(k as any).L0, pc: { ...(k as any).L0.pc, dirty } } }) as KState;

describe('fuse (fuse/ext4/ssd)', () => {
  it('should write back through a GFP_NOFS temporary page and end the page\'s writeback at once (fuse_writepages_fill, v5.2)', () => {
    const { K, s0, spec } = compose({ stack: 'fuse-ext4' });
    const fl = daemon(K, 'flush-fuse');
    const s1 = { ...withDirty(s0, 1), mm: { ...s0.mm, free: s0.mm.free - 1 } } as KState; // the writer's dirty page
    expect(spec.invariants![0].holds(s1)).toBe(true);
    const k = act(spec, 'wb_workfn(fuse)').next(s1, fl)!;
    const L0 = (k as any).L0;
    expect(L0.pc).toEqual({ clean: 1, dirty: 0, wb: 0, locked: 0 }); // never PageWriteback while the daemon works
    expect(L0.temp).toBe(1);
    expect(L0.req.n).toBe(1);
    expect(k.mm.free).toBe(s0.mm.free - 2);
    expect(spec.invariants![0].holds(k)).toBe(true); // the temporary page is counted
    // global dirty leaves it out (NR_WRITEBACK_TEMP); the FUSE wb counts it (WB_WRITEBACK)
    expect(K.globalDirty(k)).toBe(0);
    const loc = K.locate(k, (r) => r.src === 'page');
    expect(loc?.where).toBe('queued on /dev/fuse for the FUSE daemon');
  });

  it('should make the flusher reclaim with GFP_NOFS|__GFP_HIGHMEM when no page is free (no filesystem shrinker, never throttled)', () => {
    const { K, s0, spec } = compose({ stack: 'fuse-ext4' });
    const fl = daemon(K, 'flush-fuse');
    const k = act(spec, 'wb_workfn(fuse)').next(withDirty(noFree(s0), 1), fl)!;
    const v = K.task(k, fl);
    expect(fns(v)).toEqual(['wb_workfn', 'fuse_writepages', 'write_cache_pages', 'fuse_writepages_fill', '__alloc_pages_nodemask', '__alloc_pages_slowpath']);
    expect(formatGfp(K.allocGfp(v))).toBe('GFP_NOFS|__GFP_HIGHMEM');
  });

  it('should have the daemon pwrite its backing file on ext4 and free the temporary page on its reply', () => {
    const { K, s0, spec } = compose({ stack: 'fuse-ext4', params: { dirty_limit: '0' } });
    const fl = daemon(K, 'flush-fuse');
    const dm = daemon(K, 'fuse-daemon');
    const k1 = act(spec, 'wb_workfn(fuse)').next(withDirty(s0, 1), fl)!;
    const k2 = act(spec, 'fuse_dev_do_read').next(k1, dm)!;
    // the pwrite took the last free page and returned: the reply freed the temporary page
    expect((k2 as any).L0.temp).toBe(0);
    expect((k2 as any).L1.pc.dirty).toBe(1);
    expect(K.task(k2, dm).sp).toBe(0);
    expect(k2.mm.free).toBe(s0.mm.free - 1);
    // with no page free the daemon's pwrite reclaims with ext4's mask
    const k3 = act(spec, 'fuse_dev_do_read').next(noFree(k1), dm)!;
    expect(topFn(K.task(k3, dm))).toBe('__alloc_pages_slowpath');
    expect(fns(K.task(k3, dm))).toContain('ext4_da_write_begin');
    expect(formatGfp(K.allocGfp(K.task(k3, dm)))).toBe('GFP_HIGHUSER_MOVABLE|__GFP_WRITE');
  });

  it('should hold a FUSE writer on its own wb (dirty + temporary pages) once it reaches fuse_strict pages (BDI_CAP_STRICTLIMIT)', () => {
    const { K, s0 } = compose({ stack: 'fuse-ext4', params: { fuse_strict: '2', dirty_limit: '8' } });
    const st = (temp: number, dirty: number) => ({ ...s0, L0: { ...(s0 as any).L0, temp, pc: { ...(s0 as any).L0.pc, dirty } } }) as KState;
    expect(K.dirtyThrottled(st(1, 0), 0)).toBe(false);
    expect(K.dirtyThrottled(st(1, 1), 0)).toBe(true); // global dirty 1 < 8, but the wb holds 2
    expect(K.dirtyThrottled(st(2, 0), 0)).toBe(true);
    const { K: K8 } = compose({ stack: 'fuse-ext4', params: { dirty_limit: '8' } });
    expect(K8.dirtyThrottled(st(2, 0), 0)).toBe(false); // the kernel's 8: never at the model's sizes
  });

  it('should explain a writer held by strictlimit as waiting for the daemon', () => {
    const { K, s0, spec } = compose({ stack: 'fuse-ext4', params: { fuse_strict: '1' } });
    const fl = daemon(K, 'flush-fuse');
    const k1 = act(spec, 'wb_workfn(fuse)').next(withDirty(s0, 1), fl)!;
    const k2 = act(spec, 'sys_pwrite').next(k1, { w: 0 })!;
    const w = waitOf(K, k2, { w: 0 });
    expect(w?.at).toBe('balance_dirty_pages');
    expect(w?.on).toContainEqual(daemon(K, 'fuse-daemon'));
  });

  it('should refuse the read workload and a fuse that is not on a filesystem or not on top', () => {
    expect(() => compose({ stack: 'fuse-ext4', workload: 'read' })).toThrow(/read workload is not modelled for fuse/);
  });
});
