/**
 * The 5.15 profile's deferred inode inactivation (`xfsInactivation:
 * 'inodegc'`, with the xfs_log path on): unit scenarios through the composed
 * Kernel and single actions, then pinned searches.
 *
 * Sources: ab23a7768739 "xfs: per-cpu deferred inode inactivation queues" and
 * 40b1de007aca "xfs: throttle inode inactivation queuing on memory reclaim"
 * (Linux 5.15), fs/xfs/xfs_icache.c: xfs_inode_mark_reclaimable,
 * xfs_inodegc_queue (flush_work when shrinker_hits > 0), xfs_inodegc_worker
 * (llist_del_all, shrinker_hits = 0), xfs_inodegc_shrinker_scan
 * (kernel-semantics-stacks.md §4.5).
 *
 * report-2019 layers: 0 xfs, 1 dm-zoned, 2 tcmu, 3 ext4, 4 ssd.
 */
import { check } from '../../checker';
import { buildStackSpec } from '../../models';
import { KState, Kernel } from '../../models/kernel';
import { XfsLayer, BUF_AIL } from '../../models/fs/xfs';
import { NO_REQ, Req, TaskRef } from '../../models/core/task';
import { waitOf } from '../../models/core/waitfor';
import { composeProfile } from '../../specs/profiles';
import { compose, daemon, fns } from './helpers';

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
 * 5.15, xfs_log=1: tcmu-runner's pwrite into ext4 enters reclaim with one
 * logged XFS inode on the LRU (it holds the only log reservation), the
 * inodegc shrinker hit `hits` times since the worker last started.
 */
function evicting(hits: 0 | 1) {
  const { K, s0, spec } = compose({ stack: 'report-2019', params: { xfs_log: '1', tcmu_cmdr_lock: '0', tcmu_batch: '0', flusher_block: '0' }, config: composeProfile('5.15') });
  const s = s0 as any;
  let k = {
    ...s,
    mm: { free: 0, reserve: 1 },
    L0: { ...s.L0, pc: { clean: 0, dirty: 0, wb: 1, locked: 0 }, ino: { ...s.L0.ino, lru: 1, gcHits: hits } },
    L3: { pc: { clean: 2, dirty: 0, wb: 0, locked: 0 } },
  } as KState;
  const runner = daemon(K, 'tcmu-runner');
  k = queue(k, TCMU, 'ring', [req('write')]);
  k = act(spec, 'tcmulib_get_next_command').next(k, runner) as KState;
  k = K.slowpath(k, runner, EXT4)!; // an ext4 page freed, then super_cache_scan(xfs) → prune_icache_sb
  return { K, k, spec, runner, xfs: K.layers[XFS] as unknown as XfsLayer, aild: daemon(K, 'xfsaild/xfs'), gc: daemon(K, 'xfs-inodegc/xfs') };
}

describe("5.15 deferred inactivation (xfsInactivation: 'inodegc'): the evicting task queues the inode for the xfs-inodegc worker", () => {
  it('should compose the 5.15 profile as 5.10 plus inodegc, and 6.14 as 5.15 under its own label', () => {
    expect(composeProfile('5.15')).toMatchObject({ xfsInodeReclaim: 'nonblocking', xfsInactivation: 'inodegc', kernel: 'v5.15' });
    expect(composeProfile('5.10').xfsInactivation).toBeUndefined();
    expect({ ...composeProfile('6.14'), kernel: 'v5.15' }).toEqual(composeProfile('5.15'));
  });

  it('should queue the inode without waiting while the inodegc shrinker has not been hit; the shrinker then records the hit', () => {
    const { K, k, runner, xfs } = evicting(0);
    // reclaim ran to its end and the pwrite got its page (it is now in ext4's balance_dirty_pages): no
    // transaction, no wait in the eviction path
    expect(blockedAt(K, k, runner)).toBe('balance_dirty_pages');
    expect(fns(K.task(k, runner))).not.toContain('prune_icache_sb');
    // the inode is queued, still logged (it holds the reservation); xfs_inodegc_shrinker_scan ran after super_cache_scan
    expect(xfs.inodes(k)).toMatchObject({ lru: 0, gcq: 1, gcqClean: 0, gcBatch: 0, gcHits: 1 });
    expect(xfs.logUsed(k)).toBe(1);
  });

  it('should make the evicting task wait in flush_work once the shrinker was hit, on the worker, whose xfs_inactive waits for log space', () => {
    const { K, k, spec, runner, gc } = evicting(1);
    expect(fns(K.task(k, runner)).slice(-9)).toEqual([
      'do_shrink_slab', 'super_cache_scan', 'prune_icache_sb', 'dispose_list', 'evict', 'xfs_fs_destroy_inode', 'xfs_inode_mark_reclaimable', 'xfs_inodegc_queue', 'flush_work',
    ]);
    expect(blockedAt(K, k, runner)).toBe('flush_work(xfs_inodegc)[pagecache_get_page]');
    expect(waitOf(K, k, runner)!.on).toEqual([gc]);
    // the worker's execution starts (shrinker_hits cleared), takes the inode and sleeps for log space
    const s1 = act(spec, 'xfs_inodegc_worker(xfs)').next(k, gc) as KState;
    expect(fns(K.task(s1, gc))).toEqual([
      'xfs_inodegc_worker', 'xfs_inodegc_inactivate', 'xfs_inactive', 'xfs_free_eofblocks', 'xfs_trans_alloc', 'xfs_trans_reserve', 'xfs_log_reserve', 'xlog_grant_head_wait',
    ]);
    expect(blockedAt(K, s1, gc)).toBe('xlog_grant_head_wait');
    expect(blockedAt(K, s1, runner)).toBe('flush_work(xfs_inodegc)[pagecache_get_page]');
    expect(act(spec, 'flush_work(xfs_inodegc, xfs)').next(s1, runner)).toBeUndefined();
  });

  it("should let the worker go on only when xfsaild's cluster buffer write completes, and then release the flush_work waiter", () => {
    const { K, k, spec, runner, gc, aild, xfs } = evicting(1);
    const s1 = act(spec, 'xfs_inodegc_worker(xfs)').next(k, gc) as KState;
    // xfsaild flushes the inode the worker is inactivating (still in the AIL) and writes the buffer without waiting
    const s2 = act(spec, 'xfsaild_push(xfs)').next(s1, aild) as KState;
    expect(xfs.buf(s2)).toBe(BUF_AIL);
    expect(act(spec, 'xlog_grant_head_wait(xfs)').next(s2, gc)).toBeUndefined();
    // the write is served by tcmu-runner, which waits for the worker: the cycle of the 5.15 class
    let s3 = act(spec, 'dmz_chunk_work').next(s2, daemon(K, 'kworker/dmz_cwq')) as KState;
    s3 = act(spec, 'tcm_loop_submission_work').next(s3, { t: daemon(K, 'kworker/tcm_loop/0'), a: 'none' }) as KState;
    expect(spec.deadlockClass!(s3)).toBe('tcmu-runner@flush_work(xfs_inodegc) + xfs-inodegc@xlog_grant_head_wait');
    expect(spec.deadlockCategory!(s3)).toBe('recursion');
    // had the device completed it (xfs_iflush_done → xfs_trans_ail_delete → xfs_log_space_wake):
    const done = K.complete({ ...s2, L1: { ...(s2 as any).L1, chunk: (s1 as any).L1.chunk } } as KState, { ...NO_REQ, op: 'write', src: 'inode', fs: XFS });
    expect(xfs.logFree(done)).toBe(1);
    const s4 = act(spec, 'xlog_grant_head_wait(xfs)').next(done, gc) as KState;
    expect(K.task(s4, gc).sp).toBe(0);
    expect(xfs.inodes(s4)).toMatchObject({ dirty: 1, gcq: 0, gcBatch: 0 });
    // the execution ended: flush_work returns and eviction goes on
    const s5 = act(spec, 'flush_work(xfs_inodegc, xfs)').next(s4, runner) as KState;
    expect(fns(K.task(s5, runner))).not.toContain('flush_work');
  });
});

describe('5.15 searches with the log path on (exhaustive, pinned)', () => {
  it('should deadlock on the reported route alone through the inodegc worker (xfs_log=1), and hold with the path off', () => {
    // the reported route alone, with the other issue-10 paths off (this pins the inodegc mechanism on its own)
    const alone = { kswapd: '0', daemon_alloc: '0', tcmu_kernel: '0', loop_alloc: '0', tcmu_cmdr_lock: '0', tcmu_batch: '0', flusher_block: '0' };
    const run = (params: Record<string, string>) => {
      const r = check(buildStackSpec({ stack: 'report-2019', params, config: composeProfile('5.15') }), { allViolations: true });
      return { states: r.stats.distinctStates, classes: r.violations.map((v) => `${v.class} [${v.category}]`).sort() };
    };
    expect(run(alone).classes).toEqual([]);
    const r = run({ ...alone, xfs_log: '1' });
    expect(r.classes).toEqual(['tcmu-runner@flush_work(xfs_inodegc) + xfs-inodegc@xlog_grant_head_wait [recursion]']);
    expect(r.states).toBe(18035);
  });
});
