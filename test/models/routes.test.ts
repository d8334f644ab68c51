/**
 * The other routes of the 2019 stack, each shown as a mechanism on its own
 * (kernel-semantics.md §12.3): unit scenarios driven through the composed
 * Kernel and single actions, never through a search.
 *
 * report-2019 layers: 0 xfs, 1 dm-zoned, 2 tcmu, 3 ext4, 4 ssd.
 * loop-ext4 layers: 0 xfs, 1 loop, 2 ext4, 3 ssd.
 */
import { KernelConfig } from '../../models';
import { formatGfp } from '../../models/mm/gfp';
import { KState, Kernel } from '../../models/kernel';
import { TcmuLayer } from '../../models/drivers/target/tcmu';
import { NO_REQ, PF_LOCAL_THROTTLE, PF_MEMALLOC_NOIO, Req, TaskRef, findFrame, top } from '../../models/core/task';
import { reclaimEntry, waitOf } from '../../models/core/waitfor';
import { compose, daemon, fns, topFn } from './helpers';

const XFS = 0;
const TCMU = 2;
const EXT4 = 3;

type Spec = ReturnType<typeof compose>['spec'];
const act = (spec: Spec, name: string) => {
  const a = spec.actions.find((x) => x.name === name);
  if (!a) throw new Error(`no action ${name}`);
  return a;
};
const req = (op: 'read' | 'write', extra: Partial<Req> = {}): Req => ({ ...NO_REQ, op, src: 'page', fs: XFS, ...extra });
const ring = (k: KState, reqs: Req[]): KState => {
  const cap = (k[`L${TCMU}`] as any).ring.q.length;
  const q = [...reqs, ...Array.from({ length: cap - reqs.length }, () => NO_REQ)];
  return { ...k, [`L${TCMU}`]: { ...(k as any)[`L${TCMU}`], ring: { q, n: reqs.length } } } as KState;
};
const work = (k: KState, reqs: Req[]): KState => {
  const cap = (k[`L${TCMU}`] as any).work.q.length;
  const q = [...reqs, ...Array.from({ length: cap - reqs.length }, () => NO_REQ)];
  return { ...k, [`L${TCMU}`]: { ...(k as any)[`L${TCMU}`], work: { q, n: reqs.length } } } as KState;
};

/**
 * Memory under pressure on report-2019: no free page, the reserve full, two
 * clean ext4 pages, one XFS page under writeback (global dirty = the limit),
 * one dirty reclaimable XFS inode whose cluster buffer is cached (one page).
 */
function pressured(opts: { params?: Record<string, string>; config?: Partial<KernelConfig> } = {}) {
  const { K, s0, spec } = compose({ stack: 'report-2019', ...opts });
  const s = s0 as any;
  const k = {
    ...s,
    mm: { free: 0, reserve: 1 },
    L0: { ...s.L0, pc: { clean: 0, dirty: 0, wb: 1, locked: 0 }, ino: { clean: 0, dirty: 1, flushing: 0 } },
    L3: { pc: { clean: 2, dirty: 0, wb: 0, locked: 0 } },
  } as KState;
  return { K, k, spec, runner: daemon(K, 'tcmu-runner') };
}

const blockedAt = (K: Kernel, k: KState, t: TaskRef) => {
  const w = waitOf(K, k, t);
  return w ? `${w.at}${w.via ? `[${w.via}]` : ''}` : null;
};

describe('(a) daemon allocations outside the page cache (daemon_alloc)', () => {
  it("should fault tcmu-runner's malloc page with GFP_HIGHUSER_MOVABLE|__GFP_ZERO, which no mapping mask narrows, and reach XFS inode reclaim", () => {
    // Arrange: ext4 mapping without __GFP_FS and the lower-fs mount option: both only narrow page-cache masks
    const { K, k, spec, runner } = pressured({ config: { mappingClear: { xfs: ['__GFP_FS'], ext4: ['__GFP_FS'] }, lowerFsMappingClear: ['__GFP_FS'] } });
    const s = ring(k, [req('write')]);
    // Act: the command's malloc touches a heap page that is not resident
    const s1 = act(spec, 'tcmulib_get_next_command+malloc_fault').next(s, runner) as KState;
    // Assert: an anonymous fault in the slow path with the full mask
    const v = K.task(s1, runner);
    expect(fns(v).slice(0, 4)).toEqual(['tcmulib_get_next_command', 'do_page_fault', 'handle_mm_fault', 'do_anonymous_page']);
    expect(formatGfp(K.allocGfp(v))).toBe('GFP_HIGHUSER_MOVABLE|__GFP_ZERO');
    // one reclaim round: the LRU frees a clean ext4 page, super_cache_scan passes the __GFP_FS check
    const s2 = K.slowpath(s1, runner, EXT4)!;
    expect(topFn(K.task(s2, runner))).toBe('wait_for_completion');
    expect(blockedAt(K, s2, runner)).toBe('xfs_buf_iowait[do_anonymous_page]');
    expect(fns(K.task(s2, runner))).toContain('xfs_bwrite');
  });

  it('should keep the same fault out of every filesystem shrinker under PR_SET_IO_FLUSHER (PF_MEMALLOC_NOIO)', () => {
    const { K, k, spec, runner } = pressured({ config: { taskFlags: { 'tcmu-runner': ['PF_MEMALLOC_NOIO', 'PF_LOCAL_THROTTLE'] } } });
    const s1 = act(spec, 'tcmulib_get_next_command+malloc_fault').next(ring(k, [req('write')]), runner) as KState;
    expect(formatGfp(K.allocGfp(K.task(s1, runner)))).toBe('GFP_NOIO|__GFP_HIGHMEM|__GFP_ZERO|__GFP_HARDWALL|__GFP_MOVABLE');
    const s2 = K.slowpath(s1, runner, EXT4)!;
    // the page came from the LRU, the XFS inode was not touched, and the command went on: its pwrite
    // took the page it needed (PF_LOCAL_THROTTLE: not held by the dirty limit) and the command completed
    expect((s2 as any).L0.ino).toEqual({ clean: 0, dirty: 1, flushing: 0 });
    expect(K.task(s2, runner).sp).toBe(0);
    expect(K.fsLayers()[1].pages(s2).dirty).toBe(1);
  });

  it('should offer the heap fault only when no page is free, and not at all with daemon_alloc=0', () => {
    const { k, spec, runner } = pressured();
    const withFree = { ...ring(k, [req('write')]), mm: { free: 1, reserve: 1 } } as KState;
    expect(act(spec, 'tcmulib_get_next_command+malloc_fault').next(withFree, runner)).toBeUndefined();
    const off = compose({ stack: 'report-2019', params: { daemon_alloc: '0' } }).spec;
    expect(off.actions.map((a) => a.name)).not.toContain('tcmulib_get_next_command+malloc_fault');
  });

  it('should make the copy from a fresh data-area block fault into tcmu_vma_fault, which takes cmdr_lock', () => {
    // Arrange: the kworker holds cmdr_lock (inside tcmu_queue_cmd, allocating a data-area page)
    const { K, k, spec, runner } = pressured();
    const kworker = daemon(K, 'kworker/tcm_loop/0');
    let s = K.pushFrames(ring(k, [req('write', { fresh: true })]), kworker, [{ fn: 'tcmu_queue_cmd', at: TCMU, n: 1 }, { fn: 'tcmu_get_empty_block', at: TCMU }]);
    const tcmu = K.layers[TCMU] as unknown as TcmuLayer;
    expect(tcmu.cmdrLockHolder(s)).toEqual(kworker);
    // Act: tcmu-runner takes the command; pwrite faults in its source before ->write_begin
    s = act(spec, 'tcmulib_get_next_command').next(s, runner) as KState;
    // Assert
    expect(fns(K.task(s, runner)).slice(-5)).toEqual(['handle_mm_fault', '__do_fault', 'tcmu_vma_fault', 'tcmu_try_get_block_page', 'mutex_lock']);
    expect(fns(K.task(s, runner))).toContain('iov_iter_fault_in_readable');
    expect(blockedAt(K, s, runner)).toBe('mutex_lock(cmdr_lock)[tcmu_vma_fault]');
    expect(act(spec, 'mutex_lock(cmdr_lock)').next(s, runner)).toBeUndefined();
    // the kworker releases the lock: the fault maps the page and pwrite goes on into ext4
    const released = K.updTask(s, kworker, (v) => ({ ...v, sp: 0, stack: v.stack.map(() => v.stack[v.stack.length - 1]) }));
    const s2 = act(spec, 'mutex_lock(cmdr_lock)').next(released, runner) as KState;
    expect(fns(K.task(s2, runner))).toContain('ext4_da_write_begin');
    expect(fns(K.task(s2, runner))).not.toContain('tcmu_vma_fault');
  });

  it('should not fault on a block tcmu-runner has mapped already', () => {
    const { K, k, spec, runner } = pressured();
    const s = act(spec, 'tcmulib_get_next_command').next(ring({ ...k, mm: { free: 1, reserve: 1 } } as KState, [req('write')]), runner) as KState;
    expect(fns(K.task(s, runner))).not.toContain('tcmu_vma_fault');
  });

  it("should allocate the bio of an ext4 read (bio_alloc(GFP_KERNEL) from an empty mempool) with __GFP_FS, and reach XFS inode reclaim", () => {
    // Arrange: one free page, taken by the readahead page; the bio allocation is then a step of its own
    const { K, k, spec, runner } = pressured();
    let s = act(spec, 'tcmulib_get_next_command').next(ring({ ...k, mm: { free: 1, reserve: 1 } } as KState, [req('read')]), runner) as KState;
    expect(fns(K.task(s, runner)).slice(-4)).toEqual(['__do_page_cache_readahead', 'read_pages', 'ext4_readpages', 'ext4_mpage_readpages']);
    const bio = act(spec, 'ext4_mpage_readpages(ext4)');
    // a pool element left: the read is submitted at once
    const pooled = bio.next(s, { t: runner, empty: false }) as KState;
    expect(topFn(K.task(pooled, runner))).toBe('io_schedule');
    expect((pooled as any).L4.q.n).toBe(1);
    // the pool is empty: mempool_alloc allocates with the caller's mask
    s = bio.next(s, { t: runner, empty: true }) as KState;
    expect(formatGfp(K.allocGfp(K.task(s, runner)))).toBe('GFP_KERNEL|__GFP_NOWARN|__GFP_NORETRY|__GFP_NOMEMALLOC');
    s = K.slowpath(s, runner, EXT4)!;
    expect(blockedAt(K, s, runner)).toBe('xfs_buf_iowait[ext4_mpage_readpages]');
  });
});

describe('(b) kswapd and throttle_direct_reclaim (kswapd)', () => {
  /** kswapd flushes the dirty inode whose cluster buffer is not cached, with no clean page to reclaim: its buffer comes from the reserve. */
  function kswapdInReserves() {
    const { K, k, spec, runner } = pressured();
    const ks = K.kswapdTask()!;
    let s = { ...k, L0: { ...(k as any).L0, buf: 0, bufRef: 0 }, L3: { pc: { clean: 0, dirty: 0, wb: 0, locked: 0 } } } as KState;
    s = K.wakeKswapdTask(s);
    s = K.kswapdStep(s, ks, -1)!; // no clean page: straight to shrink_slab → XFS → xfs_buf_allocate_memory (slow path)
    expect(fns(K.task(s, ks)).slice(-3)).toEqual(['xfs_buf_allocate_memory', '__alloc_pages_nodemask', '__alloc_pages_slowpath']);
    s = K.slowpath(s, ks, -1)!; // PF_MEMALLOC: ALLOC_NO_WATERMARKS takes the reserve page
    return { K, s, spec, runner, ks };
  }

  it("should take the inode cluster buffer's page from the reserve when kswapd (PF_MEMALLOC) flushes with nothing free", () => {
    const { K, s, ks } = kswapdInReserves();
    expect(s.mm).toEqual({ free: 0, reserve: 0 });
    expect(blockedAt(K, s, ks)).toBe('xfs_buf_iowait');
    expect(fns(K.task(s, ks))).toContain('xfs_buf_read_map');
    expect(K.allowDirectReclaim(s)).toBe(false);
  });

  it('should hold a __GFP_FS allocator in throttle_direct_reclaim for as long as kswapd is blocked, even when a page comes back', () => {
    const { K, s, runner, ks } = kswapdInReserves();
    // tcmu-runner pwrites into ext4 (GFP_HIGHUSER_MOVABLE|__GFP_WRITE): slow path → try_to_free_pages → throttled
    let r = K.fsLayers()[1].startIo(s, runner, 'write', 'tcmu', 'regular');
    r = K.slowpath(r, runner, -1)!;
    expect(fns(K.task(r, runner)).slice(-4)).toEqual(['__alloc_pages_slowpath', 'try_to_free_pages', 'throttle_direct_reclaim', 'schedule']);
    expect(blockedAt(K, r, runner)).toBe('throttle_direct_reclaim[pagecache_get_page]');
    expect(waitOf(K, r, runner)!.on).toEqual([ks]);
    // pages that come back do not wake it: only kswapd wakes pfmemalloc_wait
    const freed = { ...r, mm: { free: 1, reserve: 1 }, L3: { pc: { clean: 1, dirty: 0, wb: 0, locked: 0 } } } as KState;
    for (const lru of [-1, EXT4]) expect(K.throttleStep(freed, runner, lru)).toBeUndefined();
    // kswapd back at the top of balance_pgdat with memory above half the min watermark: released
    const kswapdTop = K.updTask(freed, ks, (v) => ({ ...v, sp: 2 }));
    expect(top(K.task(kswapdTop, ks))!.fn).toBe('balance_pgdat');
    const go = K.throttleStep(kswapdTop, runner, EXT4)!;
    expect(fns(K.task(go, runner))).not.toContain('throttle_direct_reclaim');
  });

  it('should not hold a NOFS allocator: its sleep is bounded (HZ) and it then reclaims what it can', () => {
    const { K, s, ks } = kswapdInReserves();
    const writer: TaskRef = { w: 0 };
    // an XFS page-cache write: the XFS mapping is NOFS
    let r = K.fsLayers()[0].startIo({ ...s, L0: { ...(s as any).L0 }, L3: { pc: { clean: 1, dirty: 0, wb: 0, locked: 0 } } } as KState, writer, 'write', 'app', 'regular');
    r = K.slowpath(r, writer, -1)!;
    expect(topFn(K.task(r, writer))).toBe('schedule_timeout');
    expect(waitOf(K, r, writer)).toBeNull(); // not blocked: the timeout ends the sleep
    expect(waitOf(K, r, ks)!.at).toBe('xfs_buf_iowait'); // while kswapd still is
    const after = K.throttleStep(r, writer, EXT4)!;
    expect(fns(K.task(after, writer))).not.toContain('throttle_direct_reclaim');
    expect(K.fsLayers()[1].pages(after).clean).toBe(0); // the LRU page was reclaimed
  });

  it('should never throttle a kernel thread (PF_KTHREAD)', () => {
    const { K, s, spec } = kswapdInReserves();
    const kworker = daemon(K, 'kworker/tcm_loop/0');
    const w = work({ ...s, L3: { pc: { clean: 1, dirty: 0, wb: 0, locked: 0 } } } as KState, [req('write')]);
    let r = act(spec, 'tcm_loop_submission_work').next(w, { t: kworker, a: 'tcmu_get_empty_block' }) as KState;
    r = K.slowpath(r, kworker, EXT4)!;
    expect(fns(K.task(r, kworker))).not.toContain('throttle_direct_reclaim');
  });

  it('should not throttle without a modelled kswapd (kswapd=0)', () => {
    const { K, k } = pressured({ params: { kswapd: '0' } });
    expect(K.kswapdTask()).toBeNull();
    expect(K.allowDirectReclaim({ ...k, mm: { free: 0, reserve: 0 } } as KState)).toBe(true);
  });
});

describe('(c) dirty throttling (dirty_limit) and PF_LOCAL_THROTTLE', () => {
  /** tcmu-runner writes one ext4 page while an XFS page is under writeback (global dirty = the limit, 1). */
  function daemonWrite(flags: number) {
    const { K, k, runner } = pressured();
    const s = K.setTask({ ...k, mm: { free: 1, reserve: 1 } } as KState, runner, { ...K.task(k, runner), flags, cmd: req('write') });
    return { K, runner, s: K.fsLayers()[1].startIo(s, runner, 'write', 'tcmu', 'regular') };
  }

  it('should loop the daemon in balance_dirty_pages while global dirty is at the limit and its own wb is dirty', () => {
    const { K, runner, s } = daemonWrite(0);
    expect(K.globalDirty(s)).toBe(2);
    expect(fns(K.task(s, runner)).slice(-3)).toEqual(['balance_dirty_pages_ratelimited', 'balance_dirty_pages', 'io_schedule_timeout']);
    expect(blockedAt(K, s, runner)).toBe('balance_dirty_pages');
  });

  it("should release it once its own wb is clean (wb_dirty <= wb_stat_error), though global dirty is still at the limit", () => {
    const { K, runner, s } = daemonWrite(0);
    const written = { ...s, L3: { pc: { clean: 3, dirty: 0, wb: 0, locked: 0 } } } as KState; // flush-ext4 wrote it, the SSD completed
    expect(K.globalDirty(written)).toBe(1);
    expect(waitOf(K, written, runner)).toBeNull();
  });

  it('should let a PF_LOCAL_THROTTLE daemon write while the global limit is exceeded (5.8, io-flusher)', () => {
    const { K, runner, s } = daemonWrite(PF_LOCAL_THROTTLE);
    expect(K.task(s, runner).sp).toBe(0); // not throttled: the syscall returned and the command completed
    expect(K.fsLayers()[1].pages(s).dirty).toBe(1);
    // the decision it was given: XFS page under writeback + its own dirty ext4 page = 2 >= the limit (1)
    const atCheck = { ...s, L0: { ...(s as any).L0, pc: { clean: 0, dirty: 0, wb: 1, locked: 0 } } } as KState;
    expect(K.globalDirty(atCheck)).toBe(2);
    expect(K.dirtyThrottled(atCheck, EXT4, PF_LOCAL_THROTTLE)).toBe(false);
    expect(K.dirtyThrottled(atCheck, EXT4, 0)).toBe(true);
  });

  it('should give the v5.2 PF_LESS_THROTTLE no exemption at these page counts (its +limit/4 bonus rounds to zero)', () => {
    const { K, s } = daemonWrite(1 << 4); // PF_LESS_THROTTLE
    expect(K.dirtyThrottled(s, EXT4, 1 << 4)).toBe(true);
  });

  it('should not throttle without a dirty limit (dirty_limit=0)', () => {
    const { K } = pressured({ params: { dirty_limit: '0' } });
    const { s } = daemonWrite(0);
    expect(K.dirtyThrottled(s, EXT4, 0)).toBe(false);
  });
});

describe('(d) the tcmu kernel route: tcm_loop kworker allocations and cmdr_lock (tcmu_kernel)', () => {
  it('should hold cmdr_lock while tcmu_get_empty_block (GFP_KERNEL) reclaims into XFS, its inode write queued behind itself (one tcm_loop worker)', () => {
    const { K, k, spec } = pressured({ params: { tcm_loop_workers: '1' } });
    const kworker = daemon(K, 'kworker/tcm_loop');
    const tcmu = K.layers[TCMU] as unknown as TcmuLayer;
    let s = act(spec, 'tcm_loop_submission_work').next(work(k, [req('write')]), { t: kworker, a: 'tcmu_get_empty_block' }) as KState;
    expect(fns(K.task(s, kworker)).slice(3, 8)).toEqual(['tcmu_queue_cmd', 'queue_cmd_ring', 'is_ring_space_avail', 'tcmu_get_empty_blocks', 'tcmu_get_empty_block']);
    expect(formatGfp(K.allocGfp(K.task(s, kworker)))).toBe('GFP_KERNEL');
    expect(tcmu.cmdrLockHolder(s)).toEqual(kworker);
    s = K.slowpath(s, kworker, EXT4)!;
    expect(blockedAt(K, s, kworker)).toBe('xfs_buf_iowait[tcmu_get_empty_block]');
    s = act(spec, 'dmz_chunk_work').next(s, daemon(K, 'kworker/dmz_cwq')) as KState;
    expect(waitOf(K, s, kworker)!.waitsFor).toMatch(/queued for the tcm_loop kworker \(only kworker\/tcm_loop can move it on\)/);
    expect(tcmu.cmdrLockHolder(s)).toEqual(kworker);
  });

  it('should leave that inode write to either worker with two tcm_loop workers (the default)', () => {
    const { K, k, spec } = pressured();
    const kworker = daemon(K, 'kworker/tcm_loop/0');
    let s = act(spec, 'tcm_loop_submission_work').next(work(k, [req('write')]), { t: kworker, a: 'tcmu_get_empty_block' }) as KState;
    s = K.slowpath(s, kworker, EXT4)!;
    s = act(spec, 'dmz_chunk_work').next(s, daemon(K, 'kworker/dmz_cwq')) as KState;
    expect(waitOf(K, s, kworker)!.waitsFor).toMatch(/queued for the tcm_loop kworker \(only kworker\/tcm_loop\/0 or kworker\/tcm_loop\/1 can move it on\)/);
  });

  it('should make tcmu-runner wait for cmdr_lock to complete a command (write(uio) → tcmu_irqcontrol)', () => {
    const { K, k, runner } = pressured();
    const kworker = daemon(K, 'kworker/tcm_loop/0');
    let s = K.pushFrames(k, kworker, [{ fn: 'tcmu_queue_cmd', at: TCMU, n: 1 }]);
    s = K.setTask(s, runner, { ...K.task(s, runner), cmd: req('write') });
    s = K.syscallDone(s, runner, true);
    expect(fns(K.task(s, runner))).toEqual(['tcmulib_processing_complete', 'vfs_write', 'uio_write', 'tcmu_irqcontrol', 'mutex_lock']);
    expect(blockedAt(K, s, runner)).toBe('mutex_lock(cmdr_lock)[tcmu_irqcontrol]');
    // without the lock held, the completion runs at once
    const free = K.syscallDone(K.setTask(k, runner, { ...K.task(k, runner), cmd: req('write') }), runner, true);
    expect(K.task(free, runner).sp).toBe(0);
    expect(K.fsLayers()[0].pages(free).wb).toBe(0); // end_page_writeback of the XFS page
  });

  it('should reclaim in tcmu_alloc_cmd before taking cmdr_lock', () => {
    const { K, k, spec } = pressured();
    const kworker = daemon(K, 'kworker/tcm_loop/0');
    const s = act(spec, 'tcm_loop_submission_work').next(work(k, [req('write')]), { t: kworker, a: 'tcmu_alloc_cmd' }) as KState;
    expect(fns(K.task(s, kworker))).toContain('tcmu_alloc_cmd');
    expect((K.layers[TCMU] as unknown as TcmuLayer).cmdrLockHolder(s)).toBeNull();
  });

  it('should keep the kworker out of the filesystem shrinkers with GFP_NOIO at both sites (tcmu-gfp-noio)', () => {
    const { K, k, spec } = pressured({ config: { allocSites: { tcmu_alloc_cmd: 'GFP_NOIO', tcmu_get_empty_block: 'GFP_NOIO', dmz_queue_chunk_work: 'GFP_NOIO' } } });
    const kworker = daemon(K, 'kworker/tcm_loop/0');
    let s = act(spec, 'tcm_loop_submission_work').next(work(k, [req('write')]), { t: kworker, a: 'tcmu_get_empty_block' }) as KState;
    expect(formatGfp(K.allocGfp(K.task(s, kworker)))).toBe('GFP_NOIO');
    s = K.slowpath(s, kworker, EXT4)!;
    expect(K.task(s, kworker).sp).toBe(0); // a clean page reclaimed, the command is in the ring
    expect((s as any).L2.ring.n).toBe(1);
    expect((s as any).L2.ring.q[0].fresh).toBe(true);
    expect((s as any).L0.ino.dirty).toBe(1);
  });

  it('should have neither allocation choices nor cmdr_lock with tcmu_kernel=0', () => {
    const { K, spec } = compose({ stack: 'report-2019', params: { tcmu_kernel: '0' } });
    // one choice per worker (two by default): submit without allocating
    expect(act(spec, 'tcm_loop_submission_work').params).toEqual([
      { t: daemon(K, 'kworker/tcm_loop/0'), a: 'none' },
      { t: daemon(K, 'kworker/tcm_loop/1'), a: 'none' },
    ]);
    expect(spec.actions.map((a) => a.name)).not.toContain('mutex_lock(cmdr_lock)');
    const kworker = daemon(K, 'kworker/tcm_loop/0');
    const s = K.pushFrames(spec.init()[0] as KState, kworker, [{ fn: 'tcmu_queue_cmd', at: TCMU, n: 1 }]);
    expect((K.layers[TCMU] as unknown as TcmuLayer).cmdrLockHolder(s)).toBeNull();
  });
});

describe('the tcmu command timeout (cmd_timeout)', () => {
  /** The reported deadlock, built by hand without kswapd: tcmu-runner waits for its inode write, which is in the ring. */
  function reportedDeadlock(extra: Record<string, string> = {}) {
    const { K, k, spec, runner } = pressured({ params: { kswapd: '0', cmd_timeout: '1', ...extra } });
    let s = K.setTask(k, { w: 0 }, { ...K.task(k, { w: 0 }), todo: 0 }); // the application has issued all its writes
    s = K.setTask(s, runner, { ...K.task(s, runner), cmd: req('write') });
    s = K.fsLayers()[1].startIo(s, runner, 'write', 'tcmu', 'regular');
    s = K.slowpath(s, runner, EXT4)!;
    s = act(spec, 'dmz_chunk_work').next(s, daemon(K, 'kworker/dmz_cwq')) as KState;
    s = act(spec, 'tcm_loop_submission_work').next(s, { t: daemon(K, 'kworker/tcm_loop/0'), a: 'none' }) as KState;
    return { K, s, spec, runner };
  }

  it('should fire only when nothing else can happen, and fail the oldest outstanding command', () => {
    const { K, s, spec, runner } = reportedDeadlock();
    const timeout = act(spec, 'tcmu_cmd_timedout');
    const others = spec.actions.filter((a) => a !== timeout);
    expect(others.every((a) => (a.params ?? [undefined]).every((p) => a.next(s, p) === undefined))).toBe(true);
    // the oldest is the XFS page write tcmu-runner is serving: failed to XFS (end_page_writeback), the runner stays blocked
    const s1 = timeout.next(s, TCMU) as KState;
    expect(K.task(s1, runner).cmd.err).toBe(true);
    expect(K.fsLayers()[0].pages(s1).wb).toBe(0);
    expect(blockedAt(K, s1, runner)).toBe('xfs_buf_iowait[pagecache_get_page]');
    // stuck again: the inode write in the ring times out next, XFS sees the error and the reclaimer wakes
    const s2 = timeout.next(s1, TCMU) as KState;
    expect((s2 as any).L2.ring.q[0]).toMatchObject({ src: 'inode', err: true });
    expect(waitOf(K, s2, runner)).toBeNull();
    expect((K.layers[TCMU] as unknown as TcmuLayer).timedOut(s2)).toBe(true);
  });

  it('should not fire while a task can still act', () => {
    const { s, spec } = reportedDeadlock();
    const busy = work(s, [req('write')]); // the kworker has work
    expect(act(spec, 'tcmu_cmd_timedout').next(busy, TCMU)).toBeUndefined();
  });

  it('should not fire while cmdr_lock is held (check_timedout_devices takes it)', () => {
    const { K, s } = reportedDeadlock();
    const held = K.pushFrames(s, daemon(K, 'kworker/tcm_loop/0'), [{ fn: 'tcmu_queue_cmd', at: TCMU, n: 1 }, { fn: 'mutex_lock', at: XFS }]);
    expect((K.layers[TCMU] as unknown as TcmuLayer).timeout(held)).toBeUndefined();
  });
});

describe('(e) loop worker allocations beyond the page cache (loop_alloc)', () => {
  /** loop-ext4 (0 xfs, 1 loop, 2 ext4, 3 ssd): the loop worker reads a page of its backing file with one free page; a dirty XFS inode; a clean ext4 page. */
  function loopRead(opts: { params?: Record<string, string>; config?: Partial<KernelConfig> } = {}) {
    const { K, s0, spec } = compose({ stack: 'loop-ext4', ...opts });
    const s = s0 as any;
    const worker = daemon(K, 'loop0');
    let k = { ...s, mm: { free: 1, reserve: 1 }, L0: { ...s.L0, ino: { clean: 0, dirty: 1, flushing: 0 } }, L2: { pc: { clean: 1, dirty: 0, wb: 0, locked: 0 } } } as KState;
    k = K.setTask(k, worker, { ...K.task(k, worker), cmd: req('read') });
    k = K.fsLayers()[1].startIo(k, worker, 'read', 'loop', 'loop-backing');
    return { K, k, spec, worker };
  }

  it("should let the loop worker's ext4 read bio (mempool empty) enter reclaim with __GFP_FS in v5.2 and wait on I/O only it can serve", () => {
    const { K, k, spec, worker } = loopRead();
    expect(topFn(K.task(k, worker))).toBe('ext4_mpage_readpages');
    let s = act(spec, 'ext4_mpage_readpages(ext4)').next(k, { t: worker, empty: true }) as KState;
    expect(formatGfp(K.allocGfp(K.task(s, worker)))).toBe('GFP_KERNEL|__GFP_NOWARN|__GFP_NORETRY|__GFP_NOMEMALLOC');
    s = K.slowpath(s, worker, 2)!;
    expect(blockedAt(K, s, worker)).toBe('xfs_buf_iowait[ext4_mpage_readpages]');
    expect(waitOf(K, s, worker)!.waitsFor).toMatch(/queued for the loop worker \(only loop0 can move it on\)/);
  });

  it('should keep it out of the filesystem shrinkers with PF_MEMALLOC_NOIO (5.3, loop-worker-noio)', () => {
    const { K, k, spec, worker } = loopRead({ config: { taskFlags: { 'loop-worker': ['PF_KTHREAD', 'PF_LESS_THROTTLE', 'PF_MEMALLOC_NOIO'] } } });
    let s = act(spec, 'ext4_mpage_readpages(ext4)').next(k, { t: worker, empty: true }) as KState;
    expect(K.task(s, worker).flags & PF_MEMALLOC_NOIO).toBe(PF_MEMALLOC_NOIO);
    expect(formatGfp(K.allocGfp(K.task(s, worker)))).toBe('GFP_NOIO|__GFP_NOWARN|__GFP_NORETRY|__GFP_NOMEMALLOC');
    s = K.slowpath(s, worker, 2)!;
    expect(fns(K.task(s, worker))).not.toContain('xfs_reclaim_inode');
    expect(topFn(K.task(s, worker))).toBe('io_schedule'); // the read was submitted
  });

  it('should submit the read directly with loop_alloc=0 (page-cache allocations only)', () => {
    const { K, k, worker } = loopRead({ params: { loop_alloc: '0' } });
    expect(topFn(K.task(k, worker))).toBe('io_schedule');
  });
});

describe('how the wait point names the route', () => {
  it('should name the allocation that entered reclaim, skipping allocator wrappers', () => {
    const { K, k, spec } = pressured();
    const kworker = daemon(K, 'kworker/tcm_loop/0');
    const s = act(spec, 'tcm_loop_submission_work').next(work(k, [req('write')]), { t: kworker, a: 'tcmu_alloc_cmd' }) as KState;
    expect(reclaimEntry(K.task(s, kworker))).toBe('tcmu_alloc_cmd');
    expect(reclaimEntry(K.task(k, kworker))).toBeUndefined();
    expect(findFrame(K.task(s, kworker), 'tcmu_queue_cmd')).toBe(3);
  });
});
