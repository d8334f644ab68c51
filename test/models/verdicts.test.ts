/**
 * Pinned verdicts and state counts of every named stack with every route on
 * (exhaustive search by the engine), each route's classes on its own,
 * symmetry on/off agreement with two writers, and the shape of the 2019
 * counterexample: its minimal trace, wait-for cycle and backtraces. How each
 * number was produced is in docs/routes.md; a change here needs an
 * explanation there and in the commit message.
 */
import { check } from '../../checker';
import { buildStackSpec } from '../../models';

type Row = [stack: string, workload: 'write' | 'read', states: number, depth: number, classes: [string, number][]];

// defaults: writers=1 ios=4 pages=3 reserve=1 dirty_limit=1 kswapd=1 daemon_alloc=1 tcmu_kernel=1 loop_alloc=1 cmd_timeout=0
// (every route on); [class, steps of its shortest trace]
const DEFAULTS: Row[] = [
  ['report-2019', 'write', 2725, 56, [
    ['tcm_loop-kworker@xfs_buf_iowait[tcmu_alloc_cmd]', 17],
    ['tcm_loop-kworker@xfs_buf_iowait[tcmu_get_empty_block]', 17],
    ['kswapd@xfs_buf_iowait + tcm_loop-kworker@mutex_lock(pag_ici_reclaim_lock)[tcmu_alloc_cmd]', 17],
    ['kswapd@xfs_buf_iowait + tcm_loop-kworker@mutex_lock(pag_ici_reclaim_lock)[tcmu_get_empty_block]', 17],
    ['tcmu-runner@xfs_buf_iowait[pagecache_get_page]', 19],
    ['tcmu-runner@xfs_buf_iowait[do_anonymous_page]', 19],
    ['kswapd@xfs_buf_iowait + tcmu-runner@mutex_lock(pag_ici_reclaim_lock)[pagecache_get_page]', 19],
    ['kswapd@xfs_buf_iowait + tcmu-runner@mutex_lock(pag_ici_reclaim_lock)[do_anonymous_page]', 19],
    ['kswapd@xfs_buf_iowait + tcm_loop-kworker@mutex_lock(pag_ici_reclaim_lock)[tcmu_get_empty_block] + tcmu-runner@mutex_lock(cmdr_lock)[tcmu_vma_fault]', 19],
    ['kswapd@xfs_buf_iowait + tcm_loop-kworker@mutex_lock(pag_ici_reclaim_lock)[tcmu_get_empty_block] + tcmu-runner@mutex_lock(cmdr_lock)[tcmu_irqcontrol]', 22],
    ['kswapd@xfs_buf_iowait + tcmu-runner@mutex_lock(pag_ici_reclaim_lock)[__page_cache_alloc]', 37],
    ['kswapd@xfs_buf_iowait + tcmu-runner@throttle_direct_reclaim[__page_cache_alloc]', 38],
    ['kswapd@xfs_buf_iowait + tcmu-runner@throttle_direct_reclaim[do_anonymous_page]', 38],
    ['kswapd@xfs_buf_iowait + tcmu-runner@throttle_direct_reclaim[pagecache_get_page]', 38],
    ['tcm_loop-kworker@mutex_lock(pag_ici_reclaim_lock)[tcmu_alloc_cmd] + tcmu-runner@xfs_buf_iowait[pagecache_get_page]', 39],
    ['tcm_loop-kworker@mutex_lock(pag_ici_reclaim_lock)[tcmu_get_empty_block] + tcmu-runner@xfs_buf_iowait[pagecache_get_page]', 39],
    ['tcm_loop-kworker@mutex_lock(pag_ici_reclaim_lock)[tcmu_alloc_cmd] + tcmu-runner@xfs_buf_iowait[do_anonymous_page]', 39],
    ['tcm_loop-kworker@mutex_lock(pag_ici_reclaim_lock)[tcmu_get_empty_block] + tcmu-runner@xfs_buf_iowait[do_anonymous_page]', 39],
    ['kswapd@xfs_buf_iowait + tcmu-runner@mutex_lock(pag_ici_reclaim_lock)[ext4_mpage_readpages]', 40],
  ]],
  ['report-2019', 'read', 5077, 52, [
    ['tcm_loop-kworker@xfs_buf_iowait[tcmu_alloc_cmd]', 15],
    ['tcm_loop-kworker@xfs_buf_iowait[tcmu_get_empty_block]', 15],
    ['kswapd@xfs_buf_iowait + tcm_loop-kworker@mutex_lock(pag_ici_reclaim_lock)[tcmu_alloc_cmd]', 15],
    ['kswapd@xfs_buf_iowait + tcm_loop-kworker@mutex_lock(pag_ici_reclaim_lock)[tcmu_get_empty_block]', 15],
    ['tcmu-runner@xfs_buf_iowait[__page_cache_alloc]', 17],
    ['tcmu-runner@xfs_buf_iowait[do_anonymous_page]', 17],
    ['kswapd@xfs_buf_iowait + tcmu-runner@mutex_lock(pag_ici_reclaim_lock)[pagecache_get_page]', 17],
    ['kswapd@xfs_buf_iowait + tcmu-runner@mutex_lock(pag_ici_reclaim_lock)[do_anonymous_page]', 17],
    ['kswapd@xfs_buf_iowait + tcm_loop-kworker@mutex_lock(pag_ici_reclaim_lock)[tcmu_get_empty_block] + tcmu-runner@mutex_lock(cmdr_lock)[tcmu_vma_fault]', 17],
    ['kswapd@xfs_buf_iowait + tcmu-runner@mutex_lock(pag_ici_reclaim_lock)[ext4_mpage_readpages]', 18],
    ['kswapd@xfs_buf_iowait + tcmu-runner@mutex_lock(pag_ici_reclaim_lock)[__page_cache_alloc]', 19],
    ['kswapd@xfs_buf_iowait + tcm_loop-kworker@mutex_lock(pag_ici_reclaim_lock)[tcmu_get_empty_block] + tcmu-runner@mutex_lock(cmdr_lock)[tcmu_irqcontrol]', 20],
    ['tcm_loop-kworker@mutex_lock(pag_ici_reclaim_lock)[tcmu_alloc_cmd] + tcmu-runner@xfs_buf_iowait[__page_cache_alloc]', 20],
    ['tcm_loop-kworker@mutex_lock(pag_ici_reclaim_lock)[tcmu_get_empty_block] + tcmu-runner@xfs_buf_iowait[__page_cache_alloc]', 20],
    ['tcm_loop-kworker@mutex_lock(pag_ici_reclaim_lock)[tcmu_alloc_cmd] + tcmu-runner@xfs_buf_iowait[do_anonymous_page]', 20],
    ['tcm_loop-kworker@mutex_lock(pag_ici_reclaim_lock)[tcmu_get_empty_block] + tcmu-runner@xfs_buf_iowait[do_anonymous_page]', 20],
    ['tcmu-runner@xfs_buf_iowait[ext4_mpage_readpages]', 21],
    ['kswapd@xfs_buf_iowait + tcmu-runner@throttle_direct_reclaim[ext4_mpage_readpages]', 21],
    ['tcm_loop-kworker@mutex_lock(pag_ici_reclaim_lock)[tcmu_alloc_cmd] + tcmu-runner@xfs_buf_iowait[ext4_mpage_readpages]', 22],
    ['tcm_loop-kworker@mutex_lock(pag_ici_reclaim_lock)[tcmu_get_empty_block] + tcmu-runner@xfs_buf_iowait[ext4_mpage_readpages]', 22],
    ['kswapd@xfs_buf_iowait + tcmu-runner@throttle_direct_reclaim[__page_cache_alloc]', 29],
    ['kswapd@xfs_buf_iowait + tcmu-runner@throttle_direct_reclaim[do_anonymous_page]', 29],
  ]],
  ['xfs-backend', 'write', 10293, 76, [
    ['tcm_loop-kworker@xfs_buf_iowait[tcmu_alloc_cmd]', 17],
    ['tcm_loop-kworker@xfs_buf_iowait[tcmu_get_empty_block]', 17],
    ['kswapd@xfs_buf_iowait + tcm_loop-kworker@mutex_lock(pag_ici_reclaim_lock)[tcmu_alloc_cmd]', 17],
    ['kswapd@xfs_buf_iowait + tcm_loop-kworker@mutex_lock(pag_ici_reclaim_lock)[tcmu_get_empty_block]', 17],
    ['tcmu-runner@xfs_buf_iowait[do_anonymous_page]', 19],
    ['kswapd@xfs_buf_iowait + tcmu-runner@mutex_lock(pag_ici_reclaim_lock)[do_anonymous_page]', 19],
    ['kswapd@xfs_buf_iowait + tcm_loop-kworker@mutex_lock(pag_ici_reclaim_lock)[tcmu_get_empty_block] + tcmu-runner@mutex_lock(cmdr_lock)[tcmu_vma_fault]', 19],
    ['kswapd@xfs_buf_iowait + tcm_loop-kworker@mutex_lock(pag_ici_reclaim_lock)[tcmu_get_empty_block] + tcmu-runner@mutex_lock(cmdr_lock)[tcmu_irqcontrol]', 22],
    ['tcm_loop-kworker@mutex_lock(pag_ici_reclaim_lock)[tcmu_alloc_cmd] + tcmu-runner@xfs_buf_iowait[do_anonymous_page]', 31],
    ['tcm_loop-kworker@mutex_lock(pag_ici_reclaim_lock)[tcmu_get_empty_block] + tcmu-runner@xfs_buf_iowait[do_anonymous_page]', 31],
    ['kswapd@xfs_buf_iowait + tcmu-runner@throttle_direct_reclaim[do_anonymous_page]', 38],
  ]],
  ['xfs-backend', 'read', 8593, 68, [
    ['tcm_loop-kworker@xfs_buf_iowait[tcmu_alloc_cmd]', 14],
    ['tcm_loop-kworker@xfs_buf_iowait[tcmu_get_empty_block]', 14],
    ['kswapd@xfs_buf_iowait + tcm_loop-kworker@mutex_lock(pag_ici_reclaim_lock)[tcmu_alloc_cmd]', 14],
    ['kswapd@xfs_buf_iowait + tcm_loop-kworker@mutex_lock(pag_ici_reclaim_lock)[tcmu_get_empty_block]', 14],
    ['tcmu-runner@xfs_buf_iowait[do_anonymous_page]', 16],
    ['kswapd@xfs_buf_iowait + tcmu-runner@mutex_lock(pag_ici_reclaim_lock)[do_anonymous_page]', 16],
    ['kswapd@xfs_buf_iowait + tcm_loop-kworker@mutex_lock(pag_ici_reclaim_lock)[tcmu_get_empty_block] + tcmu-runner@mutex_lock(cmdr_lock)[tcmu_vma_fault]', 16],
    ['kswapd@xfs_buf_iowait + tcm_loop-kworker@mutex_lock(pag_ici_reclaim_lock)[tcmu_get_empty_block] + tcmu-runner@mutex_lock(cmdr_lock)[tcmu_irqcontrol]', 19],
    ['tcm_loop-kworker@mutex_lock(pag_ici_reclaim_lock)[tcmu_alloc_cmd] + tcmu-runner@xfs_buf_iowait[do_anonymous_page]', 26],
    ['tcm_loop-kworker@mutex_lock(pag_ici_reclaim_lock)[tcmu_get_empty_block] + tcmu-runner@xfs_buf_iowait[do_anonymous_page]', 26],
    ['kswapd@xfs_buf_iowait + tcmu-runner@throttle_direct_reclaim[do_anonymous_page]', 33],
  ]],
  ['loop-ext4', 'write', 2468, 60, [
    ['kswapd@xfs_buf_iowait + loop-worker@mutex_lock(pag_ici_reclaim_lock)[ext4_mpage_readpages]', 24],
  ]],
  ['loop-ext4', 'read', 2886, 56, [
    ['kswapd@xfs_buf_iowait + loop-worker@mutex_lock(pag_ici_reclaim_lock)[ext4_mpage_readpages]', 12],
    ['loop-worker@xfs_buf_iowait[ext4_mpage_readpages]', 15],
  ]],
  ['ext4-ssd', 'write', 32, 19, []],
  ['ext4-ssd', 'read', 42, 17, []],
  ['xfs-ssd', 'write', 185, 29, []],
  ['xfs-ssd', 'read', 145, 25, []],
];

const classesOf = (r: ReturnType<typeof check>) => r.violations.map((v) => [v.class!, v.trace.length - 1] as [string, number]);

describe('pinned verdicts of the named stacks (every route on)', () => {
  it.each(DEFAULTS)('%s %s: %i states, depth %i', (stack, workload, states, depth, classes) => {
    const r = check(buildStackSpec({ stack, workload }), { allViolations: true });
    expect(r.complete).toBe(true);
    expect(r.stats.distinctStates).toBe(states);
    expect(r.stats.depth).toBe(depth);
    expect(classesOf(r)).toEqual(classes);
    expect(r.status).toBe(classes.length ? 'violated' : 'holds');
    expect(r.properties.find((p) => p.name === 'pages-are-conserved')!.status).toBe('holds');
    const witness = (n: string) => r.properties.find((p) => p.name === n)!.status;
    // every check exercises memory pressure: some allocation enters the slow path
    expect(witness('allocation-enters-slowpath')).toBe('reached');
    // the stacks that hold can finish their workload
    if (!classes.length) expect(witness('workload-completes')).toBe('reached');
    // a lower filesystem's I/O (tcmu-runner, loop worker) reaches direct reclaim in every stacked variant
    if (stack !== 'ext4-ssd' && stack !== 'xfs-ssd') {
      expect(witness('lower-fs-io-enters-slowpath')).toBe('reached');
      // the reserves are used up and throttle_direct_reclaim holds someone in every stacked variant
      expect(witness('direct-reclaim-throttled')).toBe('reached');
    }
  });
});

// each route on its own: every other route off (daemon_alloc=0 tcmu_kernel=0 kswapd=0 loop_alloc=0), then one on
const OFF = { daemon_alloc: '0', tcmu_kernel: '0', kswapd: '0', loop_alloc: '0' };
type Iso = [stack: string, workload: 'write' | 'read', route: string, states: number, classes: string[]];
const ISOLATED: Iso[] = [
  ['report-2019', 'write', 'none', 24, ['tcmu-runner@xfs_buf_iowait[pagecache_get_page]']],
  ['report-2019', 'write', 'daemon_alloc', 29, ['tcmu-runner@xfs_buf_iowait[pagecache_get_page]', 'tcmu-runner@xfs_buf_iowait[do_anonymous_page]']],
  ['report-2019', 'write', 'kswapd', 873, [
    'tcmu-runner@xfs_buf_iowait[pagecache_get_page]',
    'kswapd@xfs_buf_iowait + tcmu-runner@mutex_lock(pag_ici_reclaim_lock)[pagecache_get_page]',
    'kswapd@xfs_buf_iowait + tcmu-runner@mutex_lock(pag_ici_reclaim_lock)[__page_cache_alloc]',
    'kswapd@xfs_buf_iowait + tcmu-runner@throttle_direct_reclaim[__page_cache_alloc]',
    'kswapd@xfs_buf_iowait + tcmu-runner@throttle_direct_reclaim[pagecache_get_page]',
  ]],
  ['report-2019', 'write', 'tcmu_kernel', 32, ['tcm_loop-kworker@xfs_buf_iowait[tcmu_alloc_cmd]', 'tcm_loop-kworker@xfs_buf_iowait[tcmu_get_empty_block]', 'tcmu-runner@xfs_buf_iowait[pagecache_get_page]']],
  ['report-2019', 'write', 'loop_alloc', 24, ['tcmu-runner@xfs_buf_iowait[pagecache_get_page]']],
  ['report-2019', 'read', 'none', 20, ['tcmu-runner@xfs_buf_iowait[__page_cache_alloc]']],
  ['report-2019', 'read', 'daemon_alloc', 88, ['tcmu-runner@xfs_buf_iowait[__page_cache_alloc]', 'tcmu-runner@xfs_buf_iowait[do_anonymous_page]', 'tcmu-runner@xfs_buf_iowait[ext4_mpage_readpages]']],
  ['xfs-backend', 'write', 'none', 68, []],
  ['xfs-backend', 'write', 'daemon_alloc', 93, ['tcmu-runner@xfs_buf_iowait[do_anonymous_page]']],
  ['xfs-backend', 'write', 'kswapd', 3927, []],
  ['xfs-backend', 'write', 'tcmu_kernel', 108, ['tcm_loop-kworker@xfs_buf_iowait[tcmu_alloc_cmd]', 'tcm_loop-kworker@xfs_buf_iowait[tcmu_get_empty_block]']],
  ['loop-ext4', 'write', 'loop_alloc', 54, []],
  ['loop-ext4', 'read', 'none', 41, []],
  ['loop-ext4', 'read', 'loop_alloc', 83, ['loop-worker@xfs_buf_iowait[ext4_mpage_readpages]']],
  ['loop-ext4', 'read', 'kswapd', 1874, []],
];

describe('each route on its own', () => {
  it.each(ISOLATED)('%s %s with %s only: %i states', (stack, workload, route, states, classes) => {
    const params: Record<string, string> = { ...OFF, ...(route === 'none' ? {} : { [route]: '1' }) };
    const r = check(buildStackSpec({ stack, workload, params }), { allViolations: true });
    expect(r.stats.distinctStates).toBe(states);
    expect(r.violations.map((v) => v.class)).toEqual(classes);
  });
});

// two writers: [stack, workload, params, states with symmetry, states without, number of classes]
const TWO: [string, 'write' | 'read', Record<string, string>, number, number, number][] = [
  ['report-2019', 'write', { writers: '2', ios: '1' }, 2421, 4040, 18],
  ['report-2019', 'read', { writers: '2', ios: '1' }, 2794, 5442, 22],
  ['xfs-backend', 'write', { writers: '2', ios: '1' }, 2629, 4317, 11],
  ['loop-ext4', 'write', { writers: '2', ios: '2' }, 9416, 17073, 3],
  ['ext4-ssd', 'write', { writers: '2', ios: '2' }, 84, 132, 0],
  ['xfs-ssd', 'write', { writers: '2', ios: '2' }, 669, 1147, 0],
];

describe('symmetry on/off agreement with two writers', () => {
  it.each(TWO)('%s %s %j: %i states with symmetry, %i without, same verdicts', (stack, workload, params, withSym, without, nClasses) => {
    const spec = buildStackSpec({ stack, workload, params });
    const a = check(spec, { allViolations: true, symmetry: true });
    const b = check(spec, { allViolations: true, symmetry: false });
    expect(a.stats.distinctStates).toBe(withSym);
    expect(b.stats.distinctStates).toBe(without);
    expect(a.violations).toHaveLength(nClasses);
    expect(classesOf(a)).toEqual(classesOf(b));
    expect(a.properties.map((p) => [p.name, p.status])).toEqual(b.properties.map((p) => [p.name, p.status]));
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

describe('the 2019 deadlock (xfs/dm-zoned/tcmu/ext4/ssd, write): the reported route', () => {
  const r = check(buildStackSpec({ stack: 'xfs/dm-zoned/tcmu/ext4/ssd', workload: 'write' }), { allViolations: true });
  const v = r.violations.find((x) => x.class === 'tcmu-runner@xfs_buf_iowait[pagecache_get_page]')!;
  const last = v.trace[v.trace.length - 1].state as { tasks: { name: string; role: string; flags: string[]; blocked: boolean; waitsFor: string | null; stack: string[] }[] };

  it('should be found by exhaustive BFS with a minimal trace', () => {
    expect(v.kind).toBe('deadlock');
    expect(v.trace.map((s) => s.action)).toEqual([
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
      '__alloc_pages_slowpath',
      'wb_workfn(xfs)',
      'dmz_chunk_work',
      'tcm_loop_submission_work',
      'tcmulib_get_next_command',
      '__alloc_pages_slowpath',
      'balance_pgdat',
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
    expect(v.explain!.cycle).toEqual([
      {
        task: 'tcmu-runner',
        role: 'tcmu-runner',
        at: 'xfs_buf_iowait',
        via: 'pagecache_get_page',
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
      ['kswapd0', false],
    ]);
    const writer = last.tasks[0];
    expect(writer.stack.slice(0, 3)).toEqual(['io_schedule_timeout', 'balance_dirty_pages', 'balance_dirty_pages_ratelimited']);
    expect(writer.waitsFor).toMatch(/being served by tcmu-runner/);
  });
});

describe('the 2019 stack, read workload', () => {
  it('should deadlock in a readahead allocation of tcmu-runner pread on ext4', () => {
    const r = check(buildStackSpec({ stack: 'report-2019', workload: 'read' }), { allViolations: true });
    const v = r.violations.find((x) => x.class === 'tcmu-runner@xfs_buf_iowait[__page_cache_alloc]')!;
    const bt = (v.explain as { backtraces: Record<string, string[]> }).backtraces['tcmu-runner'];
    expect(bt.slice(0, 8)).toEqual(REPORTED.slice(0, 8));
    expect(bt).toContain('__alloc_pages_nodemask [GFP_HIGHUSER_MOVABLE|__GFP_NOWARN|__GFP_NORETRY]');
    expect(bt.slice(-9)).toEqual([
      '__do_page_cache_readahead', 'ondemand_readahead', 'page_cache_sync_readahead', 'generic_file_buffered_read',
      'generic_file_read_iter', 'ext4_file_read_iter', 'new_sync_read', 'vfs_read', 'ksys_pread64',
    ]);
  });
});

describe('the other routes of the 2019 stack: their shortest traces', () => {
  const r = check(buildStackSpec({ stack: 'report-2019', workload: 'write' }), { allViolations: true });
  const bt = (cls: string) => (r.violations.find((x) => x.class === cls)!.explain as { backtraces: Record<string, string[]> }).backtraces;

  it("(b) kswapd reads an uncached cluster buffer from the reserves and tcmu-runner's __GFP_FS pwrite is throttled waiting for it", () => {
    const b = bt('kswapd@xfs_buf_iowait + tcmu-runner@throttle_direct_reclaim[pagecache_get_page]');
    expect(b['kswapd0'].slice(0, 7)).toEqual(['wait_for_completion', 'xfs_buf_iowait', '__xfs_buf_submit', 'xfs_buf_read_map', 'xfs_imap_to_bp', 'xfs_iflush', 'xfs_reclaim_inode']);
    expect(b['kswapd0'].slice(-2)).toEqual(['balance_pgdat [GFP_KERNEL]', 'kswapd']);
    expect(b['tcmu-runner'].slice(0, 5)).toEqual([
      'schedule',
      'throttle_direct_reclaim',
      'try_to_free_pages [GFP_HIGHUSER_MOVABLE|__GFP_WRITE]',
      '__alloc_pages_slowpath',
      '__alloc_pages_nodemask [GFP_HIGHUSER_MOVABLE|__GFP_WRITE]',
    ]);
    expect(b['tcmu-runner']).not.toContain('super_cache_scan (xfs)'); // tcmu-runner itself never enters XFS
  });

  it('(d) the tcm_loop kworker reclaims into XFS from tcmu_get_empty_block, holding cmdr_lock', () => {
    const b = bt('tcm_loop-kworker@xfs_buf_iowait[tcmu_get_empty_block]');
    expect(b['kworker/tcm_loop'].slice(-9)).toEqual([
      '__alloc_pages_nodemask [GFP_KERNEL]',
      'tcmu_get_empty_block',
      'tcmu_get_empty_blocks',
      'is_ring_space_avail',
      'queue_cmd_ring',
      'tcmu_queue_cmd',
      '__target_execute_cmd',
      'target_submit_cmd_map_sgls',
      'tcm_loop_submission_work',
    ]);
  });

  it("(a) tcmu-runner's heap fault reclaims into XFS", () => {
    const b = bt('tcmu-runner@xfs_buf_iowait[do_anonymous_page]');
    expect(b['tcmu-runner'].slice(-5)).toEqual(['__alloc_pages_nodemask [GFP_HIGHUSER_MOVABLE|__GFP_ZERO]', 'do_anonymous_page', 'handle_mm_fault', 'do_page_fault', 'tcmulib_get_next_command']);
  });

  it('(e) the loop worker reads its backing file into a bio that reclaims into XFS (loop-ext4, read)', () => {
    const lr = check(buildStackSpec({ stack: 'loop-ext4', workload: 'read' }), { allViolations: true });
    const v = lr.violations.find((x) => x.class === 'loop-worker@xfs_buf_iowait[ext4_mpage_readpages]')!;
    const b = (v.explain as { backtraces: Record<string, string[]> }).backtraces['loop0'];
    expect(b).toContain('try_to_free_pages [GFP_KERNEL|__GFP_NOWARN|__GFP_NORETRY|__GFP_NOMEMALLOC]');
    expect(b.slice(-3)).toEqual(['vfs_iter_read', 'lo_read_simple', 'loop_queue_work']);
  });
});

describe('model variations (pinned)', () => {
  it('should still deadlock with two tcmu-runner threads, adding two-thread cycles through pag_ici_reclaim_lock', () => {
    const r = check(buildStackSpec({ stack: 'report-2019', params: { tcmu_threads: '2' } }), { allViolations: true });
    expect(r.stats.distinctStates).toBe(6842);
    expect(r.violations).toHaveLength(24);
    expect(r.violations.map((v) => v.class)).toContain('tcmu-runner@mutex_lock(pag_ici_reclaim_lock)[pagecache_get_page] + tcmu-runner@xfs_buf_iowait[pagecache_get_page]');
  });

  it('should drop the one-kworker self-cycles with a second tcm_loop worker, but not route (d)', () => {
    const r = check(buildStackSpec({ stack: 'report-2019', params: { tcm_loop_workers: '2', ios: '2' } }), { allViolations: true });
    const classes = r.violations.map((v) => v.class);
    expect(r.stats.distinctStates).toBe(1221);
    expect(classes).toHaveLength(13);
    expect(classes).not.toContain('tcm_loop-kworker@xfs_buf_iowait[tcmu_alloc_cmd]');
    expect(classes).not.toContain('tcm_loop-kworker@xfs_buf_iowait[tcmu_get_empty_block]');
    expect(classes).toContain('tcm_loop-kworker@xfs_buf_iowait[tcmu_get_empty_block] + tcmu-runner@mutex_lock(cmdr_lock)[tcmu_irqcontrol]');
  });

  it('should let the command timeout break every cycle except those whose command never reached the ring or whose cmdr_lock is held', () => {
    const r = check(buildStackSpec({ stack: 'report-2019', params: { cmd_timeout: '1', ios: '2' } }), { allViolations: true });
    expect(r.stats.distinctStates).toBe(1230);
    expect(r.properties.find((p) => p.name === 'tcmu-command-timed-out')!.status).toBe('reached');
    expect(r.violations.map((v) => v.class)).toEqual([
      'tcm_loop-kworker@xfs_buf_iowait[tcmu_alloc_cmd]',
      'tcm_loop-kworker@xfs_buf_iowait[tcmu_get_empty_block]',
      'kswapd@xfs_buf_iowait + tcm_loop-kworker@mutex_lock(pag_ici_reclaim_lock)[tcmu_alloc_cmd]',
      'kswapd@xfs_buf_iowait + tcm_loop-kworker@mutex_lock(pag_ici_reclaim_lock)[tcmu_get_empty_block]',
      'kswapd@xfs_buf_iowait + tcm_loop-kworker@mutex_lock(pag_ici_reclaim_lock)[tcmu_get_empty_block] + tcmu-runner@mutex_lock(cmdr_lock)[tcmu_vma_fault]',
      'kswapd@xfs_buf_iowait + tcm_loop-kworker@mutex_lock(pag_ici_reclaim_lock)[tcmu_get_empty_block] + tcmu-runner@mutex_lock(cmdr_lock)[tcmu_irqcontrol]',
    ]);
    const alone = check(buildStackSpec({ stack: 'report-2019', params: { cmd_timeout: '1', ios: '2', kswapd: '0', tcmu_kernel: '0', daemon_alloc: '0' } }), { allViolations: true });
    expect(alone.status).toBe('holds'); // the reported route alone ends in an I/O error (XFS shutdown), not a hang
  });

  it('without dirty throttling, loop-ext4 fills memory with dirty pages and the loop worker waits for memory forever', () => {
    const r = check(buildStackSpec({ stack: 'loop-ext4', params: { dirty_limit: '0' } }), { allViolations: true });
    expect(r.stats.distinctStates).toBe(15828);
    expect(r.violations.map((v) => v.class)).toEqual([
      'loop-worker@__alloc_pages_slowpath[pagecache_get_page]',
      'loop-worker@__alloc_pages_slowpath[__page_cache_alloc]',
      'kswapd@xfs_buf_iowait + loop-worker@mutex_lock(pag_ici_reclaim_lock)[ext4_mpage_readpages]',
    ]);
  });
});
