/**
 * Pinned verdicts and state counts of every named stack (exhaustive search by
 * the engine), symmetry on/off agreement with two writers, and the shape of
 * the 2019 counterexample: its minimal trace, wait-for cycle and backtraces.
 */
import { check } from '../../checker';
import { buildStackSpec } from '../../models';

type Row = [stack: string, workload: 'write' | 'read', states: number, depth: number, classes: string[]];

// defaults: writers=1 ios=4 pages=3 reserve=1 dirty_limit=1 tcmu_threads=1
const DEFAULTS: Row[] = [
  ['report-2019', 'write', 21, 17, ['tcmu-runner@xfs_buf_iowait']],
  ['report-2019', 'read', 18, 14, ['tcmu-runner@xfs_buf_iowait']],
  ['xfs-backend', 'write', 79, 41, []],
  ['xfs-backend', 'read', 64, 33, []],
  ['loop-ext4', 'write', 63, 33, []],
  ['loop-ext4', 'read', 48, 25, []],
  ['ext4-ssd', 'write', 18, 17, []],
  ['ext4-ssd', 'read', 14, 13, []],
  ['xfs-ssd', 'write', 18, 17, []],
  ['xfs-ssd', 'read', 14, 13, []],
];

describe('pinned verdicts of the named stacks (defaults)', () => {
  it.each(DEFAULTS)('%s %s: %i states, depth %i, deadlock classes %j', (stack, workload, states, depth, classes) => {
    const r = check(buildStackSpec({ stack, workload }), { allViolations: true });
    expect(r.complete).toBe(true);
    expect(r.stats.distinctStates).toBe(states);
    expect(r.stats.depth).toBe(depth);
    expect(r.violations.map((v) => v.class)).toEqual(classes);
    expect(r.status).toBe(classes.length ? 'violated' : 'holds');
    const witness = (n: string) => r.properties.find((p) => p.name === n)!.status;
    // every check exercises memory pressure: some allocation enters the slow path
    expect(witness('allocation-enters-slowpath')).toBe('reached');
    // the stacks that hold can finish their workload
    if (!classes.length) expect(witness('workload-completes')).toBe('reached');
    // a lower filesystem's I/O (tcmu-runner, loop worker) reaches direct reclaim in every stacked variant
    if (stack !== 'ext4-ssd' && stack !== 'xfs-ssd') expect(witness('lower-fs-io-enters-slowpath')).toBe('reached');
  });
});

// two writers, pages=4: [stack, workload, states with symmetry, states without, classes]
const TWO: [string, 'write' | 'read', number, number, string[]][] = [
  ['report-2019', 'write', 470, 808, ['tcmu-runner@xfs_buf_iowait']],
  ['report-2019', 'read', 424, 844, ['tcmu-runner@xfs_buf_iowait']],
  ['xfs-backend', 'write', 1940, 3526, []],
  ['xfs-backend', 'read', 1775, 3522, []],
  ['loop-ext4', 'write', 1286, 2380, []],
  ['loop-ext4', 'read', 997, 1966, []],
  ['ext4-ssd', 'write', 179, 327, []],
  ['ext4-ssd', 'read', 131, 251, []],
  ['xfs-ssd', 'write', 179, 327, []],
  ['xfs-ssd', 'read', 131, 251, []],
];

describe('symmetry on/off agreement with two writers (pages=4)', () => {
  it.each(TWO)('%s %s: %i states with symmetry, %i without, same verdicts', (stack, workload, withSym, without, classes) => {
    const spec = buildStackSpec({ stack, workload, params: { writers: '2', pages: '4' } });
    const a = check(spec, { allViolations: true, symmetry: true });
    const b = check(spec, { allViolations: true, symmetry: false });
    expect(a.stats.distinctStates).toBe(withSym);
    expect(b.stats.distinctStates).toBe(without);
    expect(a.violations.map((v) => v.class)).toEqual(classes);
    expect(b.violations.map((v) => v.class)).toEqual(classes);
    expect(a.properties.map((p) => [p.name, p.status])).toEqual(b.properties.map((p) => [p.name, p.status]));
    expect(a.violations.map((v) => v.trace.length)).toEqual(b.violations.map((v) => v.trace.length));
  });
});

const REPORTED = [
  'wait_for_completion',
  'xfs_buf_iowait',
  '__xfs_buf_submit',
  'xfs_bwrite',
  'xfs_reclaim_inode',
  'xfs_reclaim_inodes_ag',
  'xfs_reclaim_inodes_nr (xfs)',
  'super_cache_scan (xfs)',
  'do_shrink_slab',
  'shrink_slab',
  'shrink_node',
  'do_try_to_free_pages',
  'try_to_free_pages [GFP_HIGHUSER_MOVABLE|__GFP_WRITE]',
  '__alloc_pages_slowpath',
  '__alloc_pages_nodemask [GFP_HIGHUSER_MOVABLE|__GFP_WRITE]',
  'pagecache_get_page',
  'grab_cache_page_write_begin',
  'ext4_da_write_begin',
  'generic_perform_write',
  '__generic_file_write_iter',
  'ext4_file_write_iter',
  'new_sync_write',
  'vfs_write',
  'ksys_pwrite64',
];

describe('the 2019 deadlock (xfs/dm-zoned/tcmu/ext4/ssd, write)', () => {
  const r = check(buildStackSpec({ stack: 'xfs/dm-zoned/tcmu/ext4/ssd', workload: 'write' }), {});
  const v = r.violations[0];
  const last = v.trace[v.trace.length - 1].state as { tasks: { name: string; role: string; flags: string[]; blocked: boolean; waitsFor: string | null; stack: string[] }[] };

  it('should be found by exhaustive BFS with a minimal trace', () => {
    expect(r.status).toBe('violated');
    expect(v.kind).toBe('deadlock');
    expect(v.trace.map((s) => (s.action === null ? null : `${s.action}`))).toEqual([
      null,
      'sys_pwrite',
      'wb_workfn(xfs)',
      'dmz_chunk_work',
      'tcm_loop_submission_work',
      'tcmulib_get_next_command',
      'wb_workfn(ext4)',
      'blk_mq_complete_request(ssd)',
      'balance_dirty_pages(ext4)',
      'balance_dirty_pages(xfs)',
      'sys_pwrite',
      'wb_workfn(xfs)',
      'dmz_chunk_work',
      'tcm_loop_submission_work',
      'tcmulib_get_next_command',
      '__alloc_pages_slowpath',
      'dmz_chunk_work',
      'tcm_loop_submission_work',
    ]);
  });

  it("should show tcmu-runner's backtrace through the frames of the report, innermost first", () => {
    const runner = last.tasks.find((t) => t.role === 'tcmu-runner')!;
    expect(runner.blocked).toBe(true);
    expect(runner.stack).toEqual(REPORTED);
    expect(runner.flags).toEqual(['PF_MEMALLOC']);
    expect((v.explain as { backtraces: Record<string, string[]> }).backtraces['tcmu-runner']).toEqual(REPORTED);
  });

  it('should explain the wait-for cycle: tcmu-runner waits in xfs_buf_iowait for I/O only it can serve', () => {
    expect(v.class).toBe('tcmu-runner@xfs_buf_iowait');
    expect(v.explain!.cycle).toEqual([
      {
        task: 'tcmu-runner',
        role: 'tcmu-runner',
        at: 'xfs_buf_iowait',
        next: 'tcmu-runner',
        waitsFor: 'completion of the xfs inode cluster buffer write it submitted, in the tcmu command ring (only tcmu-runner can move it on)',
      },
    ]);
  });

  it('should list every blocked task with what it waits for, and idle kernel threads as not blocked', () => {
    expect(last.tasks.map((t) => [t.name, t.blocked])).toEqual([
      ['writer/0', true],
      ['flush-xfs', false],
      ['kworker/dmz_cwq', false],
      ['kworker/tcm_loop', false],
      ['tcmu-runner', true],
      ['flush-ext4', false],
    ]);
    const writer = last.tasks[0];
    expect(writer.stack.slice(0, 3)).toEqual(['io_schedule_timeout', 'balance_dirty_pages', 'balance_dirty_pages_ratelimited']);
    expect(writer.waitsFor).toMatch(/being served by tcmu-runner/);
  });
});

describe('the 2019 stack, read workload', () => {
  it('should deadlock in a readahead allocation of tcmu-runner pread on ext4', () => {
    const r = check(buildStackSpec({ stack: 'report-2019', workload: 'read' }), {});
    const v = r.violations[0];
    expect(v.class).toBe('tcmu-runner@xfs_buf_iowait');
    const bt = (v.explain as { backtraces: Record<string, string[]> }).backtraces['tcmu-runner'];
    expect(bt.slice(0, 8)).toEqual(REPORTED.slice(0, 8));
    expect(bt).toContain('__alloc_pages_nodemask [GFP_HIGHUSER_MOVABLE|__GFP_NOWARN|__GFP_NORETRY]');
    expect(bt.slice(-9)).toEqual([
      '__do_page_cache_readahead', 'ondemand_readahead', 'page_cache_sync_readahead', 'generic_file_buffered_read',
      'generic_file_read_iter', 'ext4_file_read_iter', 'new_sync_read', 'vfs_read', 'ksys_pread64',
    ]);
  });
});

describe('model variations that change the verdict', () => {
  it('should find the two-thread cycle through pag_ici_reclaim_lock when tcmu-runner has two threads', () => {
    const r = check(buildStackSpec({ stack: 'report-2019', params: { tcmu_threads: '2', pages: '4' } }), { allViolations: true });
    expect(r.violations.map((v) => v.class)).toEqual(['tcmu-runner@mutex_lock(pag_ici_reclaim_lock) + tcmu-runner@xfs_buf_iowait']);
    expect(r.stats.distinctStates).toBe(110);
  });

  it('should not deadlock with two tcmu-runner threads at three pages', () => {
    const r = check(buildStackSpec({ stack: 'report-2019', params: { tcmu_threads: '2' } }), { allViolations: true });
    expect(r.status).toBe('holds');
    expect(r.stats.distinctStates).toBe(203);
  });

  it('should find a second class with kswapd: kswapd waits in xfs_buf_iowait holding the AG lock tcmu-runner needs', () => {
    const r = check(buildStackSpec({ stack: 'report-2019', params: { kswapd: '1' } }), { allViolations: true });
    expect(r.stats.distinctStates).toBe(143);
    expect(r.violations.map((v) => [v.class, v.trace.length - 1])).toEqual([
      ['tcmu-runner@xfs_buf_iowait', 18],
      ['kswapd@xfs_buf_iowait + tcmu-runner@mutex_lock(pag_ici_reclaim_lock)', 28],
    ]);
    const bt = (r.violations[1].explain as { backtraces: Record<string, string[]> }).backtraces;
    expect(bt['kswapd0'].slice(-4)).toEqual(['shrink_node', 'kswapd_shrink_node', 'balance_pgdat [GFP_KERNEL]', 'kswapd']);
    expect(bt['tcmu-runner'][0]).toBe('mutex_lock (xfs pag_ici_reclaim_lock)');
  });

  it.each([
    ['xfs-backend', 1942],
    ['loop-ext4', 1070],
    ['ext4-ssd', 32],
    ['xfs-ssd', 100],
  ])('should keep %s deadlock-free with kswapd (%i states)', (stack, states) => {
    const r = check(buildStackSpec({ stack, params: { kswapd: '1' } }), { allViolations: true });
    expect(r.status).toBe('holds');
    expect(r.stats.distinctStates).toBe(states);
  });

  it.each([
    ['xfs-backend', 'tcmu-runner@__alloc_pages_slowpath'],
    ['loop-ext4', 'loop-worker@__alloc_pages_slowpath'],
  ])('without dirty throttling, %s fills memory with dirty pages and the lower writer waits for memory forever', (stack, cls) => {
    const r = check(buildStackSpec({ stack, params: { dirty_limit: '0' } }), { allViolations: true });
    expect(r.violations.map((v) => v.class)).toEqual([cls]);
  });
});
