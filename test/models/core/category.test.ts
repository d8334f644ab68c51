/**
 * Deadlock categories (models/core/waitfor.ts: categoryOf; docs/routes.md,
 * "Categories"): a function of the wait points of a class, carried by the
 * engine as `category` on each deadlock violation.
 */
import { check } from '../../../checker';
import { buildStackSpec } from '../../../models';
import { categoryOf } from '../../../models/core/waitfor';

describe('deadlock categories', () => {
  it('should put any memory wait first (exhaustion), then all-mutex cycles (lock), then the rest (recursion)', () => {
    expect(categoryOf(['xfs_buf_iowait', '__alloc_pages_slowpath'])).toBe('exhaustion');
    expect(categoryOf(['xfs_buf_allocate_memory'])).toBe('exhaustion');
    expect(categoryOf(['mutex_lock(cmdr_lock)', 'mutex_lock(pag_ici_reclaim_lock)'])).toBe('lock');
    expect(categoryOf(['xfs_buf_iowait', 'mutex_lock(cmdr_lock)'])).toBe('recursion');
    expect(categoryOf(['throttle_direct_reclaim', 'xfs_buf_iowait'])).toBe('recursion');
    expect(categoryOf(['balance_dirty_pages'])).toBe('recursion');
  });

  it('should report every class of the v5.2 baseline (report-2019, write) as recursion, in the JSON violation', () => {
    const r = check(buildStackSpec({ stack: 'report-2019' }), { allViolations: true });
    expect(r.violations).toHaveLength(10);
    expect(r.violations.map((v) => v.category)).toEqual(Array(10).fill('recursion'));
  });

  it('should report the loop worker waiting for memory under loop-worker-noio at dirty_limit=2 as exhaustion', () => {
    const spec = buildStackSpec({ stack: 'loop-ext4', params: { dirty_limit: '2', ios: '2' }, config: { taskFlags: { 'loop-worker': ['PF_KTHREAD', 'PF_LESS_THROTTLE', 'PF_MEMALLOC_NOIO'] } } });
    const r = check(spec, { allViolations: true });
    expect(r.violations.map((v) => [v.class, v.category])).toEqual([
      ['kswapd@xfs_buf_iowait + loop-worker@__alloc_pages_slowpath', 'exhaustion'],
      // flusher_block (default on): the XFS flusher waits for an ioend mempool element, the loop worker for a page
      ['flusher@mempool_alloc(xfs_ioend_bioset) + loop-worker@__alloc_pages_slowpath', 'exhaustion'],
    ]);
  });

  it('should categorise the wait points of the issue-10 paths: dmz_lock_metadata is a lock wait; log, flush-lock, delay, metadata-write and mempool waits are not', () => {
    // a cycle of lock acquisitions only (mutex_lock or down_read(mblk_sem)) is `lock`
    expect(categoryOf(['dmz_lock_metadata', 'mutex_lock(cmdr_lock)'])).toBe('lock');
    expect(categoryOf(['mutex_lock(cmdr_lock)', 'mutex_lock(cmdr_lock)'])).toBe('lock');
    // any wait for I/O, log space or a pool element makes it recursion
    expect(categoryOf(['xlog_grant_head_wait', 'xfs_buf_iowait'])).toBe('recursion');
    expect(categoryOf(['xfs_iflock'])).toBe('recursion');
    expect(categoryOf(['xfs_reclaim_inode(delay)', 'xfs_buf_iowait'])).toBe('recursion');
    expect(categoryOf(['dmz_flush_metadata', 'dmz_lock_metadata', 'xfs_buf_iowait'])).toBe('recursion');
    expect(categoryOf(['mutex_lock(cmdr_lock)', 'xlog_grant_head_wait'])).toBe('recursion');
    expect(categoryOf(['mempool_alloc(xfs_ioend_bioset)', 'xfs_buf_iowait'])).toBe('recursion');
    // a memory wait still decides first
    expect(categoryOf(['dmz_lock_metadata', '__alloc_pages_slowpath'])).toBe('exhaustion');
  });

  it('should find every class of the reported route with the five issue-10 paths on to be recursion, each cycle with a task in reclaim', () => {
    const params = { kswapd: '0', daemon_alloc: '0', tcmu_kernel: '0', loop_alloc: '0', tcmu_cmdr_lock: '1', tcmu_batch: '1', xfs_log: '1', flusher_block: '1', dmz_block: '1' };
    const r = check(buildStackSpec({ stack: 'report-2019', params }), { allViolations: true });
    expect(r.stats.distinctStates).toBe(1519);
    expect(r.violations.map((v) => v.class).sort()).toEqual([
      'dmz-flush@dmz_flush_metadata + dmz-kworker@dmz_lock_metadata + tcmu-runner@xfs_buf_iowait',
      'dmz-flush@dmz_flush_metadata + dmz-kworker@dmz_lock_metadata + tcmu-runner@xlog_grant_head_wait',
      'tcmu-runner@xlog_grant_head_wait',
      'tcmu-runner@xlog_grant_head_wait + xfsaild@xfs_buf_iowait',
    ]);
    for (const v of r.violations) {
      expect(v.category).toBe('recursion');
      // the reclaimer of the cycle: tcmu-runner, entered through its page-cache allocation (pwrite or readahead)
      const cycle = (v.explain as unknown as { cycle: { role: string; via?: string }[] }).cycle;
      expect(cycle.some((e) => e.role === 'tcmu-runner' && (e.via === 'pagecache_get_page' || e.via === '__page_cache_alloc'))).toBe(true);
    }
  });
});

