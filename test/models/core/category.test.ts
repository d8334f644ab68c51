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
    expect(r.violations).toHaveLength(9);
    expect(r.violations.map((v) => v.category)).toEqual(Array(9).fill('recursion'));
  });

  it('should report the loop worker waiting for memory under loop-worker-noio at dirty_limit=2 as exhaustion', () => {
    const spec = buildStackSpec({ stack: 'loop-ext4', params: { dirty_limit: '2', ios: '2' }, config: { taskFlags: { 'loop-worker': ['PF_KTHREAD', 'PF_LESS_THROTTLE', 'PF_MEMALLOC_NOIO'] } } });
    const r = check(spec, { allViolations: true });
    expect(r.violations.map((v) => [v.class, v.category])).toEqual([['kswapd@xfs_buf_iowait + loop-worker@__alloc_pages_slowpath', 'exhaustion']]);
  });
});
