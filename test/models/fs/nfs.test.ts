/**
 * models/fs/nfs.ts as unit scenarios (issue 11): single actions on the
 * composed Kernel of nfs/ext4/ssd, never a search.
 *
 * Layers: 0 nfs, 1 ext4, 2 ssd.
 */
import { formatGfp } from '../../../models/mm/gfp';
import { KState } from '../../../models/kernel';
import { PF_LESS_THROTTLE, PF_LOCAL_THROTTLE } from '../../../models/core/task';
import { waitOf } from '../../../models/core/waitfor';
import { composeProfile } from '../../../specs/profiles';
import { compose, daemon, fns, noFree, topFn } from '../helpers';

type Spec = ReturnType<typeof compose>['spec'];
const act = (spec: Spec, name: string) => {
  const a = spec.actions.find((x) => x.name === name);
  if (!a) throw new Error(`no action ${name}`);
  return a;
};
const nfs = (k: KState) => (k as any).L0;
const withDirty = (k: KState, dirty: number): KState => ({ ...k, L0: { ...nfs(k), pc: { ...nfs(k).pc, dirty } } }) as KState;

/** One page written back, served by nfsd and answered UNSTABLE (no dirty throttling). */
function unstablePage(kernel: string) {
  const c = compose({ stack: 'nfs-loopback', params: { dirty_limit: '0' }, config: composeProfile(kernel) });
  const { K, s0, spec } = c;
  const k1 = act(spec, 'wb_workfn(nfs)').next(withDirty(s0, 1), daemon(K, 'flush-nfs'))!;
  const k2 = act(spec, 'svc_process').next(k1, daemon(K, 'nfsd'))!;
  return { ...c, k: k2 };
}

describe('nfs (nfs/ext4/ssd, loopback)', () => {
  it('should send a WRITE to nfsd, which writes ext4 in its own context with PF_LESS_THROTTLE (5.2) and answers UNSTABLE', () => {
    const { K, k } = unstablePage('5.2');
    const nfsd = daemon(K, 'nfsd');
    expect(K.task(k, nfsd).flags & PF_LESS_THROTTLE).toBe(PF_LESS_THROTTLE);
    expect((k as any).L1.pc.dirty).toBe(1); // nfsd's page in ext4
    expect(nfs(k).pc).toEqual({ clean: 0, dirty: 0, wb: 1, locked: 0 }); // unstable: not on the clean LRU, in global dirty
    expect(nfs(k).unstable).toBe(1);
    expect(K.globalDirty(k)).toBe(2);
  });

  it('should have nfsd allocate the ext4 page with __GFP_FS under memory pressure (no scope, a kthread: never throttled)', () => {
    const { K, s0, spec } = compose({ stack: 'nfs-loopback' });
    const k1 = act(spec, 'wb_workfn(nfs)').next(withDirty(noFree(s0), 1), daemon(K, 'flush-nfs'))!;
    const k2 = act(spec, 'svc_process').next(k1, daemon(K, 'nfsd'))!;
    const v = K.task(k2, daemon(K, 'nfsd'));
    expect(fns(v).slice(0, 6)).toEqual(['nfsd', 'svc_process', 'nfsd_dispatch', 'nfsd3_proc_write', 'nfsd_write', 'nfsd_vfs_write']);
    expect(topFn(v)).toBe('__alloc_pages_slowpath');
    expect(formatGfp(K.allocGfp(v))).toBe('GFP_HIGHUSER_MOVABLE|__GFP_WRITE');
  });

  it('should free UNSTABLE pages only through a COMMIT answered by nfsd', () => {
    const { K, k, spec } = unstablePage('5.2');
    const fl = daemon(K, 'flush-nfs');
    const k1 = act(spec, 'nfs_commit_inode(nfs)').next(k, fl)!;
    expect(nfs(k1).commit).toBe(true);
    expect(act(spec, 'nfs_commit_inode(nfs)').next(k1, fl)).toBeUndefined(); // one COMMIT in flight
    const k2 = act(spec, 'svc_process').next(k1, daemon(K, 'nfsd'))!;
    expect(nfs(k2).pc).toEqual({ clean: 1, dirty: 0, wb: 0, locked: 0 });
    expect(nfs(k2).unstable).toBe(0);
  });

  it('should never wait on a COMMIT in reclaim on 5.2 (nfs_release_page returns 0, 4f52b6bb)', () => {
    const { K, k } = unstablePage('5.2');
    const sh = K.shrinkerList.find((s) => s.name === 'nfs_release_page(nfs)')!;
    expect(sh.hasWork(k, K.allocGfp({ stack: [{ fn: '__alloc_pages_nodemask', at: 0, n: 0, gfp: 0x1fffff, set: 0, old: 0 }], sp: 1 } as any))).toBe(false);
  });

  it('should make a GFP_KERNEL reclaimer send a COMMIT and wait for nfsd on 3.16 (the loopback deadlock D1)', () => {
    const { K, k, spec } = unstablePage('3.16');
    const nfsd = daemon(K, 'nfsd');
    // nfsd is back in svc: a second page; the ext4 write has no page, reclaim meets the unstable page
    const k1 = act(spec, 'wb_workfn(nfs)').next(withDirty(noFree(k), 1), daemon(K, 'flush-nfs'))!;
    const k2 = act(spec, 'svc_process').next(k1, nfsd)!;
    const k3 = act(spec, '__alloc_pages_slowpath').next(k2, { t: nfsd, lru: -1 })!;
    const v = K.task(k3, nfsd);
    expect(fns(v).slice(-5)).toEqual(['shrink_page_list', 'try_to_release_page', 'nfs_release_page', 'nfs_commit_inode', 'wait_on_commit']);
    expect(nfs(k3).commit).toBe(true);
    const w = waitOf(K, k3, nfsd);
    expect(w?.at).toBe('nfs_commit_inode(FLUSH_SYNC)');
    expect(w?.on).toEqual([nfsd]); // only nfsd answers the COMMIT: a cycle of one
  });

  it('should only start the COMMIT on 4.7 (the 1 s bounded wait is a delay)', () => {
    const { K, k, spec } = unstablePage('4.7');
    const nfsd = daemon(K, 'nfsd');
    const k1 = act(spec, 'wb_workfn(nfs)').next(withDirty(noFree(k), 1), daemon(K, 'flush-nfs'))!;
    const k2 = act(spec, 'svc_process').next(k1, nfsd)!;
    const k3 = act(spec, '__alloc_pages_slowpath').next(k2, { t: nfsd, lru: -1 })!;
    expect(fns(K.task(k3, nfsd))).not.toContain('wait_on_commit');
    expect(nfs(k3).commit).toBe(true);
  });

  it('should rename nfsd\'s flag to PF_LOCAL_THROTTLE on 5.10 (a37b0715ddf3)', () => {
    const { K, s0 } = compose({ stack: 'nfs-loopback', config: composeProfile('5.10') });
    const f = K.task(s0, daemon(K, 'nfsd')).flags;
    expect(f & PF_LOCAL_THROTTLE).toBe(PF_LOCAL_THROTTLE);
    expect(f & PF_LESS_THROTTLE).toBe(0);
  });

  it('should refuse the read workload', () => {
    expect(() => compose({ stack: 'nfs-loopback', workload: 'read' })).toThrow(/read workload is not modelled for nfs/);
  });
});
