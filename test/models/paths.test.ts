/**
 * The paths of issue 10, each as a mechanism on its own: unit scenarios
 * driven through the composed Kernel and single actions (no search), then a
 * few pinned searches of small configurations with one path on.
 *
 * report-2019 layers: 0 xfs, 1 dm-zoned, 2 tcmu, 3 ext4, 4 ssd.
 */
import { check } from '../../checker';
import { buildStackSpec } from '../../models';
import { KState, Kernel } from '../../models/kernel';
import { TcmuLayer } from '../../models/drivers/target/tcmu';
import { XfsLayer, BUF_AIL, BUF_CACHED, BUF_NONE } from '../../models/fs/xfs';
import { NO_REQ, Req, TaskRef } from '../../models/core/task';
import { waitOf } from '../../models/core/waitfor';
import { formatGfp } from '../../models/mm/gfp';
import { composeProfile } from '../../specs/profiles';
import { compose, daemon, fns, topFn } from './helpers';

/**
 * Every issue-10 path off: each scenario and search below turns on only the path it is about (tcmu_cmdr_lock,
 * tcmu_batch and flusher_block are on by default since the defaults were re-derived; xfs_log and dmz_block off).
 */
const OFFP = { tcmu_cmdr_lock: '0', tcmu_batch: '0', flusher_block: '0' };

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
const queue = (k: KState, layer: number, name: string, reqs: Req[]): KState => {
  const cap = (k[`L${layer}`] as any)[name].q.length;
  const q = [...reqs, ...Array.from({ length: cap - reqs.length }, () => NO_REQ)];
  return { ...k, [`L${layer}`]: { ...(k as any)[`L${layer}`], [name]: { q, n: reqs.length } } } as KState;
};
const blockedAt = (K: Kernel, k: KState, t: TaskRef) => {
  const w = waitOf(K, k, t);
  return w ? `${w.at}${w.via ? `[${w.via}]` : ''}` : null;
};

/**
 * report-2019 under memory pressure: no free page, the reserve full, two clean
 * ext4 pages, one XFS page under writeback (global dirty = the limit) and the
 * XFS inodes given (default: one dirty reclaimable inode, cluster buffer cached).
 */
function pressured(params: Record<string, string>, ino: Record<string, number> = { clean: 0, dirty: 1, flushing: 0 }) {
  const { K, s0, spec } = compose({ stack: 'report-2019', params: { ...OFFP, ...params } });
  const s = s0 as any;
  const k = {
    ...s,
    mm: { free: 0, reserve: 1 },
    L0: { ...s.L0, pc: { clean: 0, dirty: 0, wb: 1, locked: 0 }, ino: { ...s.L0.ino, ...ino } },
    L3: { pc: { clean: 2, dirty: 0, wb: 0, locked: 0 } },
  } as KState;
  return { K, k, spec, runner: daemon(K, 'tcmu-runner') };
}

describe('tcmu_cmdr_lock: every tcm_loop kworker takes cmdr_lock in tcmu_queue_cmd ([5.2.1] target_core_user.c)', () => {
  /** kworker/0 holds cmdr_lock in tcmu_get_empty_block's reclaim, waiting for its inode write; the write is queued on the tcm_loop workqueue. */
  function holderInReclaim(params: Record<string, string>) {
    const { K, k, spec } = pressured(params);
    const fresh = spec.init()[0] as KState;
    const k0 = daemon(K, 'kworker/tcm_loop/0');
    let s = act(spec, 'tcm_loop_submission_work').next(queue(k, TCMU, 'work', [req('write')]), { t: k0, a: 'tcmu_get_empty_block' }) as KState;
    s = K.slowpath(s, k0, EXT4)!;
    s = act(spec, 'dmz_chunk_work').next(s, daemon(K, 'kworker/dmz_cwq')) as KState;
    return { K, s, spec, k0, k1: daemon(K, 'kworker/tcm_loop/1'), tcmu: K.layers[TCMU] as unknown as TcmuLayer, idle: K.task(fresh, k0) };
  }

  it('should make the second kworker sleep on cmdr_lock while the first holds it in reclaim, so the inode write never reaches the ring', () => {
    const { K, s, spec, k0, k1, tcmu } = holderInReclaim({ tcmu_cmdr_lock: '1' });
    expect(blockedAt(K, s, k0)).toBe('xfs_buf_iowait[tcmu_get_empty_block]');
    expect(tcmu.cmdrLockHolder(s)).toEqual(k0);
    // the second worker takes the inode write (no allocation needed) and sleeps on the mutex
    const s2 = act(spec, 'tcm_loop_submission_work').next(s, { t: k1, a: 'none' }) as KState;
    expect(fns(K.task(s2, k1))).toEqual(['tcm_loop_submission_work', 'target_submit_cmd_map_sgls', '__target_execute_cmd', 'tcmu_queue_cmd', 'mutex_lock']);
    expect(blockedAt(K, s2, k1)).toBe('mutex_lock(cmdr_lock)[tcmu_queue_cmd]');
    expect(waitOf(K, s2, k1)!.on).toEqual([k0]);
    expect((s2 as any).L2.ring.n).toBe(0);
    // the wait-for cycle of the state is the corrected T1
    expect(spec.deadlockClass!(s2)).toBe('tcm_loop-kworker@mutex_lock(cmdr_lock) + tcm_loop-kworker@xfs_buf_iowait');
  });

  it('should let the second kworker put the write in the ring with the path off (the model before issue 10)', () => {
    const { K, s, spec, k1 } = holderInReclaim({});
    const s2 = act(spec, 'tcm_loop_submission_work').next(s, { t: k1, a: 'none' }) as KState;
    expect(K.task(s2, k1).sp).toBe(0);
    expect((s2 as any).L2.ring.n).toBe(1);
  });

  it('should give the lock to the waiting kworker once the holder releases it, then queue (n = 2) or grow the data area (n = 3)', () => {
    const { K, s, spec, k0, k1, tcmu, idle } = holderInReclaim({ tcmu_cmdr_lock: '1' });
    for (const [a, grows] of [['none', false], ['tcmu_get_empty_block', true]] as const) {
      const s2 = act(spec, 'tcm_loop_submission_work').next(s, { t: k1, a }) as KState;
      // the holder's reclaim ends: its stack unwinds (tcmu_queue_cmd popped, lock released)
      const s3 = { ...K.setTask(s2, k0, idle), mm: { free: 0, reserve: 1 } } as KState;
      expect(tcmu.cmdrLockHolder(s3)).toBeNull();
      const s4 = act(spec, 'tcmu_queue_cmd: mutex_lock(cmdr_lock)').next(s3, k1) as KState;
      if (grows) {
        expect(fns(K.task(s4, k1)).slice(3)).toEqual(['tcmu_queue_cmd', 'queue_cmd_ring', 'is_ring_space_avail', 'tcmu_get_empty_blocks', 'tcmu_get_empty_block', '__alloc_pages_nodemask', '__alloc_pages_slowpath']);
        expect(tcmu.cmdrLockHolder(s4)).toEqual(k1);
      } else {
        expect(K.task(s4, k1).sp).toBe(0);
        expect((s4 as any).L2.ring.n).toBe(1);
      }
    }
  });

  it("should make a kworker whose tcmu_alloc_cmd reclaimed wait for the lock before queue_cmd_ring", () => {
    const { K, s, spec, k1 } = holderInReclaim({ tcmu_cmdr_lock: '1' });
    // k1 needs a new slab page: with no page free its GFP_KERNEL allocation is in the slow path; a clean page frees it
    const s2 = act(spec, 'tcm_loop_submission_work').next({ ...s, mm: { free: 0, reserve: 1 } } as KState, { t: k1, a: 'tcmu_alloc_cmd' }) as KState;
    expect(topFn(K.task(s2, k1))).toBe('__alloc_pages_slowpath');
    // (its reclaim would sleep on the AG lock k0 holds; a page freed meanwhile lets the allocation succeed instead)
    const s3 = K.slowpath({ ...s2, mm: { ...s2.mm, free: 1 } } as KState, k1, -1)!;
    expect(fns(K.task(s3, k1)).slice(3)).toEqual(['tcmu_queue_cmd', 'mutex_lock']);
    expect(blockedAt(K, s3, k1)).toBe('mutex_lock(cmdr_lock)[tcmu_queue_cmd]');
  });
});

describe('tcmu_batch: tcmu-runner announces completions once its batch is drained (tcmu-runner v1.5.0 main.c: tcmur_cmdproc_thread)', () => {
  it('should withhold the completion of a handled command while the ring still holds commands, and reap them all at the end of the batch', () => {
    const { K, k, spec, runner } = pressured({ tcmu_batch: '1', dirty_limit: '0' });
    const first = req('write', { ww: 0 }); // marked, to find it
    let s = queue({ ...k, L0: { ...(k as any).L0, pc: { clean: 0, dirty: 0, wb: 2, locked: 0 } } } as KState, TCMU, 'ring', [first, req('write')]);
    s = { ...s, mm: { ...s.mm, free: 2 } } as KState; // the pwrites find free pages: no reclaim in this scenario
    const get = act(spec, 'tcmulib_get_next_command');
    s = get.next(s, runner) as KState;
    // the first pwrite returned (dirty_limit=0: no balance_dirty_pages in this scenario)
    expect(K.task(s, runner).sp).toBe(0);
    expect((s as any).L2.done.n).toBe(1); // tcmulib_command_complete advanced cmd_tail: done, not announced
    expect((s as any).L0.pc.wb).toBe(2); // the XFS page is still under writeback: the bio has not completed
    expect(K.locate(s, (r) => r.ww === 0)!.where).toMatch(/not announced/);
    // the second command drains the ring: tcmulib_processing_complete → write(uio) → tcmu_irqcontrol reaps both
    s = get.next(s, runner) as KState;
    expect((s as any).L2.done.n).toBe(0);
    expect((s as any).L0.pc).toMatchObject({ wb: 0, clean: 2 });
  });

  it('should complete each command when its pwrite returns with the path off', () => {
    const { K, k, spec, runner } = pressured({ dirty_limit: '0' });
    let s = queue({ ...k, mm: { ...k.mm, free: 2 } } as KState, TCMU, 'ring', [req('write'), req('write')]);
    s = act(spec, 'tcmulib_get_next_command').next(s, runner) as KState;
    expect(K.task(s, runner).sp).toBe(0);
    expect((s as any).L0.pc.wb).toBe(0); // the first XFS page write completed at once
  });

  it("should leave a command withheld while the next one blocks in reclaim: the withheld write waits for tcmu-runner", () => {
    const { K, k, spec, runner } = pressured({ tcmu_batch: '1', dirty_limit: '0' });
    let s = queue({ ...k, mm: { ...k.mm, free: 1 } } as KState, TCMU, 'ring', [req('write'), req('write')]);
    const get = act(spec, 'tcmulib_get_next_command');
    s = get.next(s, runner) as KState; // first pwrite takes the last free page
    s = get.next(s, runner) as KState; // second pwrite: no page → slow path
    s = K.slowpath(s, runner, EXT4)!; // reclaim: super_cache_scan(xfs) flushes the dirty inode, xfs_bwrite
    expect(blockedAt(K, s, runner)).toBe('xfs_buf_iowait[pagecache_get_page]');
    const loc = K.locate(s, (r) => r.src === 'page' && r.op === 'write' && r.fs === XFS)!;
    expect(loc.where).toMatch(/not announced/);
    expect(loc.tasks).toEqual([runner]);
  });
});

describe('xfs_log: eviction runs xfs_inactive, which waits for log space that only the AIL push frees', () => {
  it('should log the closed inode and put it on the inode LRU, not in XFS reclaim (eviction is separate from close)', () => {
    const { K, s0 } = compose({ stack: 'report-2019', params: { ...OFFP, xfs_log: '1' } });
    const xfs = K.layers[XFS] as unknown as XfsLayer;
    const s = xfs.fileClosed(s0, 'write', { w: 0 });
    expect(xfs.inodes(s)).toMatchObject({ lru: 1, dirty: 0, clean: 0 });
    expect(xfs.logUsed(s)).toBe(1);
    // the log is full: the next close sleeps in xlog_grant_head_wait (xfs_vn_update_time's transaction)
    const s2 = xfs.fileClosed(s, 'write', { w: 0 });
    expect(fns(K.task(s2, { w: 0 }))).toEqual(['xfs_vn_update_time', 'xfs_trans_alloc', 'xfs_trans_reserve', 'xfs_log_reserve', 'xlog_grant_head_wait']);
  });

  /** tcmu-runner's pwrite into ext4 enters reclaim; one logged XFS inode on the LRU holds the only log reservation. */
  function evicting(params: Record<string, string>, kernel?: '5.10') {
    const { K, s0, spec } = compose({ stack: 'report-2019', params: { ...OFFP, xfs_log: '1', ...params }, ...(kernel ? { config: kernel510() } : {}) });
    const s = s0 as any;
    let k = {
      ...s,
      mm: { free: 0, reserve: 1 },
      L0: { ...s.L0, pc: { clean: 0, dirty: 0, wb: 1, locked: 0 }, ino: { ...s.L0.ino, lru: 1 } },
      L3: { pc: { clean: 2, dirty: 0, wb: 0, locked: 0 } },
    } as KState;
    const runner = daemon(K, 'tcmu-runner');
    k = queue(k, TCMU, 'ring', [req('write')]);
    k = act(spec, 'tcmulib_get_next_command').next(k, runner) as KState;
    k = K.slowpath(k, runner, EXT4)!; // an ext4 page freed, then super_cache_scan(xfs) → prune_icache_sb
    return { K, k, spec, runner, xfs: K.layers[XFS] as unknown as XfsLayer, aild: daemon(K, 'xfsaild/xfs') };
  }

  it("should make the reclaimer's xfs_inactive sleep in xlog_grant_head_wait, with the backtrace of the eviction path", () => {
    const { K, k, runner } = evicting({});
    expect(fns(K.task(k, runner)).slice(-14)).toEqual([
      'shrink_node', 'shrink_slab', 'do_shrink_slab', 'super_cache_scan', 'prune_icache_sb', 'dispose_list', 'evict', 'xfs_fs_destroy_inode',
      'xfs_inactive', 'xfs_free_eofblocks', 'xfs_trans_alloc', 'xfs_trans_reserve', 'xfs_log_reserve', 'xlog_grant_head_wait',
    ]);
    expect(blockedAt(K, k, runner)).toBe('xlog_grant_head_wait[pagecache_get_page]');
    expect(waitOf(K, k, runner)!.waitsFor).toMatch(/log space \(1 of 1 reservations in use\)/);
  });

  it("should free the space only when xfsaild's cluster buffer write completes, and then let the eviction commit", () => {
    const { K, k, spec, runner, xfs, aild } = evicting({});
    const granted = act(spec, 'xlog_grant_head_wait(xfs)');
    expect(granted.next(k, runner)).toBeUndefined();
    // xfsaild pushes the AIL: the evicted inode's item is flushed into the cached buffer, written without waiting
    const s1 = act(spec, 'xfsaild_push(xfs)').next(k, aild) as KState;
    expect(K.task(s1, aild).sp).toBe(0);
    expect(xfs.buf(s1)).toBe(BUF_AIL);
    expect((s1 as any).L1.chunk.n).toBe(1); // submitted in xfsaild's context: dmz_map queued it on chunk work
    expect(granted.next(s1, runner)).toBeUndefined(); // still in flight: still no space
    // the write is served by tcmu-runner, which is the one waiting: that is the class tcmu-runner@xlog_grant_head_wait
    let s2 = act(spec, 'dmz_chunk_work').next(s1, daemon(K, 'kworker/dmz_cwq')) as KState;
    s2 = act(spec, 'tcm_loop_submission_work').next(s2, { t: daemon(K, 'kworker/tcm_loop/0'), a: 'none' }) as KState;
    expect(waitOf(K, s2, runner)!.on).toEqual([runner]);
    expect(spec.deadlockClass!(s2)).toBe('tcmu-runner@xlog_grant_head_wait');
    // had anyone else completed the write (xfs_iflush_done → xfs_trans_ail_delete → xfs_log_space_wake):
    const done = K.complete({ ...s1, L1: { ...(s1 as any).L1, chunk: (k as any).L1.chunk } } as KState, { ...NO_REQ, op: 'write', src: 'inode', fs: XFS });
    expect(xfs.buf(done)).toBe(BUF_CACHED);
    expect(xfs.logFree(done)).toBe(1);
    const s3 = granted.next(done, runner) as KState;
    // the truncate commits: the inode is a dirty reclaimable inode; xfs_reclaim_inodes_nr flushes it and waits
    expect(blockedAt(K, s3, runner)).toBe('xfs_buf_iowait[pagecache_get_page]');
    expect(fns(K.task(s3, runner))).toContain('xfs_reclaim_inode');
  });

  it('should still wait in xfs_inactive with the 5.9 non-blocking inode reclaim (the 5.10 profile keeps synchronous inactivation)', () => {
    const { K, k, runner } = evicting({}, '5.10');
    expect(blockedAt(K, k, runner)).toBe('xlog_grant_head_wait[pagecache_get_page]');
  });

  it('should make xfsaild read an uncached cluster buffer from the reserves and wait for the read (xfs_iflush → xfs_imap_to_bp)', () => {
    const { K, k, spec, aild, xfs } = evicting({});
    const s1 = act(spec, 'xfsaild_push(xfs)').next({ ...k, L0: { ...(k as any).L0, buf: BUF_NONE, bufRef: 0 }, mm: { free: 0, reserve: 1 } } as KState, aild) as KState;
    expect(fns(K.task(s1, aild)).slice(-4)).toEqual(['xfs_buf_get_map', 'xfs_buf_allocate_memory', '__alloc_pages_nodemask', '__alloc_pages_slowpath']);
    const s = K.slowpath(s1, aild, -1)!; // PF_MEMALLOC: "avoid recursion of direct reclaim", the reserve
    expect(fns(K.task(s, aild))).toEqual(['xfsaild', 'xfsaild_push', 'xfs_inode_item_push', 'xfs_iflush', 'xfs_imap_to_bp', 'xfs_buf_read_map', '__xfs_buf_submit', 'xfs_buf_iowait', 'wait_for_completion']);
    expect(s.mm.reserve).toBe(0); // PF_MEMALLOC: ALLOC_NO_WATERMARKS
    expect(blockedAt(K, s, aild)).toBe('xfs_buf_iowait');
    expect((s as any).L1.chunk.q[0]).toMatchObject({ op: 'read', src: 'inode' });
    expect(xfs.heldPages(s)).toBe(1);
  });

  it('should make a reclaimer wait on the flush lock of an inode xfsaild flushed (xfs_iflock, SYNC_WAIT)', () => {
    const { K, s0, spec } = compose({ stack: 'report-2019', params: { ...OFFP, xfs_log: '2' } });
    const s = s0 as any;
    let k = {
      ...s,
      mm: { free: 0, reserve: 1 },
      L0: { ...s.L0, buf: BUF_AIL, pc: { clean: 0, dirty: 0, wb: 0, locked: 0 }, ino: { ...s.L0.ino, aildDirty: 1 } },
      L3: { pc: { clean: 2, dirty: 0, wb: 0, locked: 0 } },
    } as KState;
    const runner = daemon(K, 'tcmu-runner');
    k = act(spec, 'tcmulib_get_next_command').next(queue(k, TCMU, 'ring', [req('write')]), runner) as KState;
    k = K.slowpath(k, runner, EXT4)!;
    expect(fns(K.task(k, runner)).slice(-2)).toEqual(['xfs_reclaim_inode', 'xfs_iflock']);
    expect(blockedAt(K, k, runner)).toBe('xfs_iflock[pagecache_get_page]');
  });
});

describe('flusher_block (with xfs_log): the XFS flusher reserves log space for the size update of each page write', () => {
  it('should put the flusher to sleep in xlog_grant_head_wait when the log is full, and hold one reservation per page write in flight', () => {
    const { K, s0, spec } = compose({ stack: 'report-2019', params: { ...OFFP, xfs_log: '1', flusher_block: '1' } });
    const s = s0 as any;
    const flusher = daemon(K, 'flush-xfs');
    const xfs = K.layers[XFS] as unknown as XfsLayer;
    const wb = act(spec, 'wb_workfn(xfs)');
    const k1 = wb.next({ ...s, L0: { ...s.L0, pc: { clean: 0, dirty: 2, wb: 0, locked: 0 } } } as KState, flusher) as KState;
    expect(K.task(k1, flusher).sp).toBe(0);
    expect(xfs.logUsed(k1)).toBe(1); // xfs_setfilesize_trans_alloc: held until xfs_setfilesize_ioend commits
    const k2 = wb.next(k1, flusher) as KState;
    expect(fns(K.task(k2, flusher))).toEqual(['wb_workfn', 'xfs_vm_writepages', 'xfs_submit_ioend', 'xfs_setfilesize_trans_alloc', 'xfs_trans_alloc', 'xfs_trans_reserve', 'xfs_log_reserve', 'xlog_grant_head_wait']);
    expect(blockedAt(K, k2, flusher)).toBe('xlog_grant_head_wait');
    expect(xfs.pages(k2)).toMatchObject({ dirty: 1, wb: 1 });
  });
});

describe('flusher_block: the XFS flusher waits for an element of xfs_ioend_bioset ([5.2.1] xfs_aops.c: xfs_alloc_ioend → mempool_alloc)', () => {
  it('should reclaim once with GFP_NOFS|__GFP_NORETRY and then wait until an XFS page write completes', () => {
    const { K, s0, spec } = compose({ stack: 'report-2019', params: { ...OFFP, flusher_block: '1' } });
    const s = s0 as any;
    const flusher = daemon(K, 'flush-xfs');
    // no page free, one XFS page under writeback (holding a pool element), one dirty; nothing clean to reclaim
    let k = { ...s, mm: { free: 0, reserve: 1 }, L0: { ...s.L0, pc: { clean: 0, dirty: 1, wb: 1, locked: 0 } } } as KState;
    k = act(spec, 'xfs_alloc_ioend(xfs): ioend pool empty').next(k, flusher) as KState;
    expect(fns(K.task(k, flusher))).toEqual(['wb_workfn', 'xfs_vm_writepages', 'xfs_alloc_ioend', 'bio_alloc_bioset', 'mempool_alloc', '__alloc_pages_nodemask', '__alloc_pages_slowpath']);
    expect(formatGfp(K.allocGfp(K.task(k, flusher)))).toBe('GFP_NOFS|__GFP_NOWARN|__GFP_NORETRY|__GFP_NOMEMALLOC');
    // the one reclaim round: the cluster buffer shrinker ages the buffer, nothing is freed; __GFP_NORETRY fails it
    k = K.slowpath(k, flusher, -1)!;
    k = K.slowpath(k, flusher, -1)!;
    expect(topFn(K.task(k, flusher))).toBe('mempool_alloc');
    expect(blockedAt(K, k, flusher)).toBe('mempool_alloc(xfs_ioend_bioset)');
    const wake = act(spec, 'mempool_alloc(xfs): element returned');
    expect(wake.next(k, flusher)).toBeUndefined();
    // the XFS page write completes (end_page_writeback, bio_put → mempool_free): the flusher submits its page
    const done = K.complete(k, req('write'));
    const k2 = wake.next(done, flusher) as KState;
    expect(K.task(k2, flusher).sp).toBe(0);
    expect((k2 as any).L0.pc).toMatchObject({ dirty: 0, wb: 1, clean: 1 });
  });
});

/** The v5.10 deltas that matter here: XFS's 5.9 non-blocking inode reclaim (the profile's other deltas do not touch this path). */
function kernel510() {
  return { xfsInodeReclaim: 'nonblocking' as const };
}

describe('searches with one path on (exhaustive, pinned)', () => {
  const run = (params: Record<string, string>) => {
    const r = check(buildStackSpec({ stack: 'report-2019', params: { ...OFFP, ...params } }), { allViolations: true });
    return { states: r.stats.distinctStates, classes: r.violations.map((v) => v.class).sort() };
  };
  const alone = { kswapd: '0', daemon_alloc: '0', tcmu_kernel: '0', loop_alloc: '0' };

  it('should turn T1 into the kworker cmdr_lock cycle (report-2019 write, every route on, tcmu_cmdr_lock=1)', () => {
    const r = run({ tcmu_cmdr_lock: '1' });
    expect(r.classes).not.toContain('tcm_loop-kworker@xfs_buf_iowait + tcmu-runner@mutex_lock(cmdr_lock)');
    expect(r.classes).toContain('tcm_loop-kworker@mutex_lock(cmdr_lock) + tcm_loop-kworker@xfs_buf_iowait');
    expect(r.classes).toContain('kswapd@xfs_buf_iowait + tcm_loop-kworker@mutex_lock(cmdr_lock) + tcm_loop-kworker@mutex_lock(pag_ici_reclaim_lock)');
    expect(r.classes).toHaveLength(10);
    expect(r.states).toBe(5391);
  });

  it('should make the 5.10 profile deadlock through xfs_inactive on the reported route alone (xfs_log=1); it holds with the path off', () => {
    const run510 = (params: Record<string, string>) => {
      const r = check(buildStackSpec({ stack: 'report-2019', params: { ...OFFP, ...params }, config: composeProfile('5.10') }), { allViolations: true });
      return { states: r.stats.distinctStates, classes: r.violations.map((v) => v.class).sort() };
    };
    expect(run510(alone).classes).toEqual([]);
    const r = run510({ ...alone, xfs_log: '1' });
    expect(r.classes).toEqual(['tcmu-runner@xlog_grant_head_wait', 'tcmu-runner@xlog_grant_head_wait + xfsaild@xfs_buf_iowait']);
    expect(r.states).toBe(2231);
  });

  it('should reach the log-space class from the reported route alone (xfs_log=1)', () => {
    const r = run({ ...alone, xfs_log: '1' });
    // the reported route, the log-space wait (xfsaild's buffer write is in the ring, which only tcmu-runner serves),
    // and xfsaild reading an uncached cluster buffer through tcmu-runner while tcmu-runner waits for the log
    expect(r.classes).toEqual(['tcmu-runner@xfs_buf_iowait', 'tcmu-runner@xlog_grant_head_wait', 'tcmu-runner@xlog_grant_head_wait + xfsaild@xfs_buf_iowait']);
    expect(r.states).toBe(387);
  });
});

describe("dmz_block: dm-zoned's flush work holds the metadata semaphore across its metadata write ([5.2.1] dm-zoned-metadata.c: dmz_flush_metadata)", () => {
  it('should make chunk work wait in dmz_lock_metadata while the flush work waits for its metadata block write', () => {
    const { K, s0, spec } = compose({ stack: 'report-2019', params: { ...OFFP, dmz_block: '1' } });
    const cwq = daemon(K, 'kworker/dmz_cwq');
    const fwq = daemon(K, 'kworker/dmz_fwq');
    // a write through chunk work dirties a bitmap block (dmz_validate_blocks)
    let s = queue(s0, 1, 'chunk', [req('write')]);
    s = act(spec, 'dmz_chunk_work').next(s, cwq) as KState;
    expect((s as any).L1.meta).toBe(1);
    // the flush work takes mblk_sem for writing and submits the block in its own context: it is queued for the tcm_loop kworker
    s = act(spec, 'dmz_flush_work').next(s, fwq) as KState;
    expect(fns(K.task(s, fwq))).toEqual(['dmz_flush_work', 'dmz_flush_metadata', 'wait_on_bit_io']);
    expect(waitOf(K, s, fwq)!.waitsFor).toMatch(/metadata block write, queued for the tcm_loop kworker/);
    // the next bio waits for the semaphore
    s = act(spec, 'dmz_chunk_work').next(queue(s, 1, 'chunk', [req('write')]), cwq) as KState;
    expect(fns(K.task(s, cwq))).toEqual(['dmz_chunk_work', 'dmz_handle_bio', 'dmz_lock_metadata', 'down_read']);
    expect(blockedAt(K, s, cwq)).toBe('dmz_lock_metadata');
    expect(waitOf(K, s, cwq)!.on).toEqual([fwq]);
    // the metadata write completes (dmz_mblock_bio_end_io): the flush work releases the semaphore, chunk work goes on
    s = K.complete(s, { ...NO_REQ, op: 'write', src: 'inode', fs: 1, ...K.waiter(fwq) });
    s = act(spec, 'dmz_flush_metadata: wait_on_bit_io').next(s, fwq) as KState;
    expect((s as any).L1.meta).toBe(0);
    s = act(spec, 'dmz_lock_metadata').next(s, cwq) as KState;
    expect(K.task(s, cwq).sp).toBe(0);
    // on the tcm_loop workqueue: the first bio, the metadata write (completed by hand above) and the second bio
    expect((s as any).L2.work.q.slice(0, 3).map((r: Req) => `${r.src}:${r.fs}`)).toEqual(['page:0', 'inode:1', 'page:0']);
  });
});
