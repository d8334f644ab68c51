/**
 * Kernel rules on small unit scenarios, driven directly through the composed
 * Kernel (no search): the allocator slow path, direct reclaim, shrinkers and
 * XFS inode reclaim.
 */
import { GFP_NOWAIT } from '../../models/mm/gfp';
import { KState } from '../../models/kernel';
import { PF_MEMALLOC, TaskRef, top } from '../../models/core/task';
import { compose, daemon, fns, noFree, topFn } from './helpers';

/** report-2019 layers: 0 xfs, 1 dm-zoned, 2 tcmu, 3 ext4, 4 ssd. */
const EXT4 = 3;

function pressured(opts: Parameters<typeof compose>[0] = { stack: 'report-2019' }) {
  const { K, s0 } = compose(opts);
  let k = noFree(s0) as any;
  // memory: 2 clean ext4 pages + 1 reserve page; one dirty reclaimable XFS inode
  k = { ...k, mm: { free: 0, reserve: 1 }, L0: { ...k.L0, ino: { clean: 0, dirty: 1, flushing: 0 } } };
  if (K.layers[EXT4]?.kind === 'fs') k = { ...k, L3: { pc: { clean: 3, dirty: 0, wb: 0, locked: 0 } } };
  const runner = K.daemons.find((d) => d.name === 'tcmu-runner') ? daemon(K, 'tcmu-runner') : ({ d: -1 } as TaskRef);
  return { K, k: k as KState, runner };
}

describe('page allocator slow path and direct reclaim (mm/page_alloc.c, mm/vmscan.c)', () => {
  it('should take a free page on the fast path without entering the slow path', () => {
    const { K, s0 } = compose({ stack: 'report-2019' });
    const t = daemon(K, 'tcmu-runner');
    const k = K.fsLayers()[1].startIo(s0, t, 'write', 'tcmu', 'regular');
    expect(k.mm.free).toBe(s0.mm.free - 1);
    expect(K.fsLayers()[1].pages(k).dirty).toBe(1);
  });

  it('should reproduce the reported backtrace: ext4 page allocation → direct reclaim → super_cache_scan(xfs) → xfs_buf_iowait', () => {
    // Arrange
    const { K, k, runner } = pressured();
    const k1 = K.fsLayers()[1].startIo(k, runner, 'write', 'tcmu', 'regular');
    expect(topFn(K.task(k1, runner))).toBe('__alloc_pages_slowpath');
    // Act: one slow-path step, LRU frees a clean ext4 page, then shrink_slab reaches XFS
    const k2 = K.slowpath(k1, runner, EXT4)!;
    // Assert
    const v = K.task(k2, runner);
    expect(fns(v).reverse()).toEqual([
      'wait_for_completion', 'xfs_buf_iowait', '__xfs_buf_submit', 'xfs_bwrite', 'xfs_reclaim_inode', 'xfs_reclaim_inodes_ag',
      'xfs_reclaim_inodes_nr', 'super_cache_scan', 'do_shrink_slab', 'shrink_slab', 'shrink_node', 'do_try_to_free_pages',
      'try_to_free_pages', '__alloc_pages_slowpath', '__alloc_pages_nodemask', 'pagecache_get_page', 'grab_cache_page_write_begin',
      'ext4_da_write_begin', 'generic_perform_write', '__generic_file_write_iter', 'ext4_file_write_iter', 'new_sync_write',
      'vfs_write', 'ksys_pwrite64',
    ]);
    expect(v.flags & PF_MEMALLOC).toBe(PF_MEMALLOC); // __perform_reclaim set it
    expect(k2.L1.chunk.n).toBe(1); // dmz_map ran in tcmu-runner's context and queued the inode buffer write
    expect(k2.L1.chunk.q[0]).toMatchObject({ op: 'write', src: 'inode', fs: 0 });
    expect(k2.mm.free).toBe(1); // the LRU page was freed but the task is stuck before taking it
  });

  it('should stop super_cache_scan without __GFP_FS: a NOFS scope lets the same allocation succeed from LRU reclaim', () => {
    const { K, k, runner } = pressured({
      stack: 'report-2019',
      params: { dirty_limit: '0' },
      config: { scopes: [{ frame: 'ksys_pwrite64', scope: 'NOFS', role: 'tcmu-runner' }] },
    });
    const k1 = K.fsLayers()[1].startIo(k, runner, 'write', 'tcmu', 'regular');
    const k2 = K.slowpath(k1, runner, EXT4)!;
    // the syscall completed: the task is back to its command, no XFS frames, inode still dirty
    const v = K.task(k2, runner);
    expect(v.sp).toBe(0);
    expect(v.flags).toBe(0); // the NOFS scope and PF_MEMALLOC were restored
    expect(k2.L0.ino).toEqual({ clean: 0, dirty: 1, flushing: 0 });
  });

  it('should never recurse into reclaim with PF_MEMALLOC: reserves, else failure', () => {
    const { K, k, runner } = pressured();
    let fail = false;
    K.onAllocDone('ksys_pwrite64', (kk, _t, ok) => ((fail = !ok), kk));
    const withFlag = K.setTask(k, runner, { ...K.task(k, runner), flags: PF_MEMALLOC });
    const a = K.pushFrames(withFlag, runner, [{ fn: 'ksys_pwrite64', at: EXT4 }]);
    const r = K.startAlloc(a, runner, K.mappingGfp(EXT4, 'regular'), EXT4);
    expect(r.ok).toBe(false);
    // with a reserve page: ALLOC_NO_WATERMARKS succeeds, no reclaim frames ever pushed
    const b = K.slowpath(r.k, runner, -1)!;
    expect(fail).toBe(false);
    expect(b.mm.reserve).toBe(0);
    expect(fns(K.task(b, runner))).toEqual(['ksys_pwrite64']);
    // without one: the allocation fails instead of entering direct reclaim
    const noRes = { ...r.k, mm: { free: 0, reserve: 0 } };
    expect(K.slowpath(noRes, runner, EXT4)).toBeUndefined();
    K.slowpath(noRes, runner, -1);
    expect(fail).toBe(true);
  });

  it('should fail an allocation without __GFP_DIRECT_RECLAIM (GFP_NOWAIT) instead of reclaiming', () => {
    const { K, k, runner } = pressured();
    let result: boolean | undefined;
    K.onAllocDone('ksys_pread64', (kk, _t, ok) => ((result = ok), kk));
    const a = K.pushFrames(k, runner, [{ fn: 'ksys_pread64', at: EXT4 }]);
    const r = K.startAlloc(a, runner, GFP_NOWAIT, EXT4);
    K.slowpath(r.k, runner, -1);
    expect(result).toBe(false);
  });

  it('should keep a small NOFS allocation retrying (blocked, not failed) when nothing is reclaimable', () => {
    const { K, s0 } = compose({ stack: 'xfs/dm-zoned/tcmu/xfs/ssd' });
    const runner = daemon(K, 'tcmu-runner');
    // every page is dirty in the lower xfs; one dirty top-xfs inode that NOFS reclaim may not touch; no cached XFS buffer
    const noBuf = { buf: 0, bufRef: 0 };
    const k = { ...s0, mm: { free: 0, reserve: 1 }, L3: { pc: { clean: 0, dirty: 3, wb: 0, locked: 0 }, ino: { clean: 0, dirty: 0, flushing: 0 }, ...noBuf }, L0: { ...(s0 as any).L0, ino: { clean: 0, dirty: 1, flushing: 0 }, ...noBuf } } as KState;
    const k1 = K.fsLayers()[1].startIo(k, runner, 'write', 'tcmu', 'regular');
    const k2 = K.slowpath(k1, runner, -1)!; // one reclaim round: nothing freed, XFS skipped (no __GFP_FS)
    expect(topFn(K.task(k2, runner))).toBe('__alloc_pages_slowpath');
    expect(top(K.task(k2, runner))!.n).toBe(1);
    for (const lru of [-1, 0, 3]) expect(K.slowpath(k2, runner, lru)).toBeUndefined(); // stuck: waits for memory
    // a page becoming clean unblocks it
    const k3 = { ...k2, L3: { ...(k2 as any).L3, pc: { clean: 1, dirty: 2, wb: 0, locked: 0 } } } as KState;
    expect(K.slowpath(k3, runner, 3)).toBeDefined();
  });

  it('should fail a __GFP_NORETRY readahead allocation after one round and fall back to page_cache_alloc', () => {
    const { K, s0 } = compose({ stack: 'xfs/dm-zoned/tcmu/xfs/ssd' });
    const runner = daemon(K, 'tcmu-runner');
    const noBuf = { buf: 0, bufRef: 0 };
    const k = { ...s0, mm: { free: 0, reserve: 1 }, L3: { pc: { clean: 0, dirty: 3, wb: 0, locked: 0 }, ino: { clean: 0, dirty: 0, flushing: 0 }, ...noBuf }, L0: { ...(s0 as any).L0, ...noBuf } } as KState;
    const k1 = K.fsLayers()[1].startIo(k, runner, 'read', 'tcmu', 'regular');
    const k2 = K.slowpath(k1, runner, -1)!; // reclaim round
    const k3 = K.slowpath(k2, runner, -1)!; // NORETRY → fail → no_cached_page
    const v = K.task(k3, runner);
    const alloc = v.stack[v.sp - 2];
    expect(alloc.fn).toBe('__alloc_pages_nodemask');
    expect(v.stack[v.sp - 3]).toMatchObject({ fn: '__page_cache_alloc', n: 1 });
    expect(fns(v)).not.toContain('page_cache_sync_readahead');
  });
});

describe('XFS inode reclaim (fs/xfs/xfs_icache.c, v5.2 SYNC_WAIT)', () => {
  it('should block a second reclaimer on pag_ici_reclaim_lock while the first waits for its inode write', () => {
    const { K, k } = pressured({ stack: 'report-2019', params: { tcmu_threads: '2' } });
    const second = daemon(K, 'tcmu-runner/1');
    const first = daemon(K, 'tcmu-runner/0');
    let s = K.fsLayers()[1].startIo(k, first, 'write', 'tcmu', 'regular');
    s = K.slowpath(s, first, EXT4)!;
    s = { ...s, mm: { ...s.mm, free: 0 } } as KState; // someone else took the freed page
    s = K.fsLayers()[1].startIo(s, second, 'write', 'tcmu', 'regular');
    s = K.slowpath(s, second, EXT4)!;
    expect(topFn(K.task(s, second))).toBe('mutex_lock');
    expect((K.layers[0] as any).lockHolder(s)).toEqual(first);
  });

  it('should not wait on inode I/O with 5.9 non-blocking inode reclaim', () => {
    const { K, k, runner } = pressured({ stack: 'report-2019', params: { dirty_limit: '0' }, config: { xfsInodeReclaim: 'nonblocking' } });
    let s = K.fsLayers()[1].startIo(k, runner, 'write', 'tcmu', 'regular');
    s = K.slowpath(s, runner, EXT4)!;
    expect(K.task(s, runner).sp).toBe(0);
    expect((s as any).L0.ino.dirty).toBe(1);
  });

  it('should complete the reclaim once the inode buffer write completes', () => {
    const { K, k } = pressured({ stack: 'xfs/dm-zoned/zoned' });
    // a writer on xfs/dm-zoned/zoned is NOFS and never reaches the XFS shrinker; drive reclaim as a GFP_KERNEL allocation instead
    const t: TaskRef = { w: 0 }; // the application task, used only as a context here
    let s = K.pushFrames({ ...k, L0: (k as any).L0 } as KState, t, [{ fn: 'ksys_pwrite64', at: 0 }]);
    let done = false;
    K.onAllocDone('ksys_pwrite64', (kk, _t, ok) => ((done = ok), kk));
    s = { ...s, mm: { free: 0, reserve: 1 }, L0: { pc: { clean: 1, dirty: 0, wb: 0, locked: 0 }, ino: { clean: 0, dirty: 1, flushing: 0 }, buf: 1, bufRef: 1 } } as KState;
    s = K.startAlloc(s, t, 0xcc0 /* GFP_KERNEL */, 0).k;
    s = K.slowpath(s, t, 0)!;
    expect(topFn(K.task(s, t))).toBe('wait_for_completion');
    // dm-zoned kworker, then the zoned disk completes it, then the reclaimer wakes
    const run = (name: string, p: unknown) => K.layers.flatMap((l) => l.actions()).find((a) => a.name === name)!.next(s, p)!;
    s = run('dmz_chunk_work', { d: 1 });
    s = run('blk_mq_complete_request(zoned)', 0);
    s = run('xfs_buf_iowait(xfs)', t);
    expect(done).toBe(true);
    expect((s as any).L0.ino).toEqual({ clean: 0, dirty: 0, flushing: 0 });
    expect(K.task(s, t).flags & PF_MEMALLOC).toBe(0);
  });
});

describe('kswapd (mm/vmscan.c, param kswapd=1)', () => {
  it('should be woken by the slow path only for __GFP_KSWAPD_RECLAIM requests, and reclaim with GFP_KERNEL', () => {
    const { K, k, runner } = pressured({ stack: 'report-2019', params: { kswapd: '1' } });
    const ks = K.kswapdTask()!;
    expect(K.task(k, ks).flags).toBe(K.task(k, ks).flags | PF_MEMALLOC);
    // GFP_NOWAIT has __GFP_KSWAPD_RECLAIM: wakes it
    const a = K.pushFrames(k, runner, [{ fn: 'ksys_pread64', at: EXT4 }]);
    const woke = K.startAlloc(a, runner, GFP_NOWAIT, EXT4).k;
    expect(fns(K.task(woke, ks))).toEqual(['kswapd', 'balance_pgdat']);
    // a mask without it (GFP_NOWAIT & ~__GFP_KSWAPD_RECLAIM = 0) does not
    const quiet = K.startAlloc(a, runner, 0, EXT4).k;
    expect(K.task(quiet, ks).sp).toBe(0);
    // kswapd's pass runs the XFS shrinker with __GFP_FS and blocks on the dirty inode
    const s = K.kswapdStep(woke, ks, EXT4)!;
    expect(topFn(K.task(s, ks))).toBe('wait_for_completion');
    expect(K.task(s, ks).stack[1]).toMatchObject({ fn: 'balance_pgdat', gfp: 0xcc0 });
  });

  it('should go back to sleep once a page is free', () => {
    const { K, k, runner } = pressured({ stack: 'report-2019', params: { kswapd: '1' } });
    const ks = K.kswapdTask()!;
    const a = K.pushFrames(k, runner, [{ fn: 'ksys_pread64', at: EXT4 }]);
    const woke = K.startAlloc(a, runner, GFP_NOWAIT, EXT4).k;
    const freed = { ...woke, mm: { free: 1, reserve: 1 } } as KState;
    expect(K.kswapdStep(freed, ks, EXT4)).toBeUndefined();
    expect(K.task(K.kswapdStep(freed, ks, -1)!, ks).sp).toBe(0);
  });
});

describe('the XFS inode cluster buffer and the split reclaim pass', () => {
  it('should age an idle cached cluster buffer on one buftarg pass and free its page on the next (b_lru_ref = 1)', () => {
    const { K, k } = pressured();
    const buftarg = K.shrinkerList.find((s) => s.name === 'xfs_buftarg_shrink_scan(xfs)')!;
    expect((k as any).L0).toMatchObject({ buf: 1, bufRef: 1 });
    expect(buftarg.hasWork(k, 0)).toBe(true); // no __GFP_FS needed
    const once = buftarg.scan(k, { w: 0 }, 0).k;
    expect((once as any).L0).toMatchObject({ buf: 1, bufRef: 0 });
    expect(once.mm).toEqual(k.mm);
    const twice = buftarg.scan(once, { w: 0 }, 0).k;
    expect((twice as any).L0).toMatchObject({ buf: 0 });
    expect(twice.mm.free).toBe(k.mm.free + 1);
    expect(buftarg.hasWork(twice, 0)).toBe(false);
  });

  it('should make shrink_slab a step of its own only when a shrinker will allocate (an uncached cluster buffer to read)', () => {
    const { K, k, runner } = pressured();
    // cluster buffer cached: the pass is atomic, the runner ends in xfs_buf_iowait (xfs_bwrite)
    const cached = K.slowpath(K.fsLayers()[1].startIo(k, runner, 'write', 'tcmu', 'regular'), runner, EXT4)!;
    expect(topFn(K.task(cached, runner))).toBe('wait_for_completion');
    // not cached: the LRU page is freed, then the pass stops before shrink_slab; another task may take the page
    const uncached = { ...k, L0: { ...(k as any).L0, buf: 0, bufRef: 0 } } as KState;
    let s = K.slowpath(K.fsLayers()[1].startIo(uncached, runner, 'write', 'tcmu', 'regular'), runner, EXT4)!;
    expect(topFn(K.task(s, runner))).toBe('shrink_slab');
    expect(s.mm.free).toBe(1);
    s = { ...s, mm: { free: 0, reserve: 1 } } as KState; // taken by someone else
    s = K.shrinkSlabStep(s, runner)!;
    // xfs_buf_allocate_memory under PF_MEMALLOC: the slow path takes the reserve, then the read is submitted
    expect(topFn(K.task(s, runner))).toBe('__alloc_pages_slowpath');
    s = K.slowpath(s, runner, -1)!;
    expect(s.mm).toEqual({ free: 0, reserve: 0 });
    expect(fns(K.task(s, runner))).toContain('xfs_buf_read_map');
  });
});
