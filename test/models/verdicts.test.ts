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

// defaults: writers=1 ios=4 pages=2 reserve=1 dirty_limit=1 kswapd=1 tcm_loop_workers=2 daemon_alloc=1 tcmu_kernel=1
// loop_alloc=1 cmd_timeout=0 (every route on) and the issue-10 paths tcmu_cmdr_lock=1 tcmu_batch=1 flusher_block=1
// (xfs_log=0 dmz_block=0); since those three became defaults T1 (tcm_loop-kworker@xfs_buf_iowait +
// tcmu-runner@mutex_lock(cmdr_lock)) is replaced by the kworker cmdr_lock cycle and its K3 variant (docs/routes.md); [class, steps of its shortest trace]. A class is the set of
// role@waitpoint pairs of the wait-for cycle; the reclaim entry of each wait is in the explanation (`via`).
const DEFAULTS: Row[] = [
  ['report-2019', 'write', 5303, 59, [
    ['tcm_loop-kworker@mutex_lock(cmdr_lock) + tcm_loop-kworker@xfs_buf_iowait', 18],
    ['kswapd@xfs_buf_iowait + tcm_loop-kworker@mutex_lock(pag_ici_reclaim_lock)', 18],
    ['tcmu-runner@xfs_buf_iowait', 19],
    ['kswapd@xfs_buf_iowait + tcmu-runner@mutex_lock(pag_ici_reclaim_lock)', 19],
    ['kswapd@xfs_buf_iowait + tcm_loop-kworker@mutex_lock(cmdr_lock) + tcm_loop-kworker@mutex_lock(pag_ici_reclaim_lock)', 19],
    ['kswapd@xfs_buf_iowait + tcm_loop-kworker@mutex_lock(pag_ici_reclaim_lock) + tcmu-runner@mutex_lock(cmdr_lock)', 19],
    ['tcm_loop-kworker@mutex_lock(pag_ici_reclaim_lock) + tcm_loop-kworker@xfs_buf_iowait', 37],
    ['kswapd@xfs_buf_iowait + tcmu-runner@throttle_direct_reclaim', 38],
    ['tcm_loop-kworker@mutex_lock(pag_ici_reclaim_lock) + tcmu-runner@xfs_buf_iowait', 38],
    ['tcm_loop-kworker@xfs_buf_iowait + tcmu-runner@mutex_lock(pag_ici_reclaim_lock)', 38],
  ]],
  ['report-2019', 'read', 10066, 55, [
    ['tcm_loop-kworker@mutex_lock(cmdr_lock) + tcm_loop-kworker@xfs_buf_iowait', 16],
    ['kswapd@xfs_buf_iowait + tcm_loop-kworker@mutex_lock(pag_ici_reclaim_lock)', 16],
    ['tcmu-runner@xfs_buf_iowait', 17],
    ['kswapd@xfs_buf_iowait + tcmu-runner@mutex_lock(pag_ici_reclaim_lock)', 17],
    ['kswapd@xfs_buf_iowait + tcm_loop-kworker@mutex_lock(cmdr_lock) + tcm_loop-kworker@mutex_lock(pag_ici_reclaim_lock)', 17],
    ['kswapd@xfs_buf_iowait + tcm_loop-kworker@mutex_lock(pag_ici_reclaim_lock) + tcmu-runner@mutex_lock(cmdr_lock)', 17],
    ['tcm_loop-kworker@mutex_lock(pag_ici_reclaim_lock) + tcm_loop-kworker@xfs_buf_iowait', 19],
    ['tcm_loop-kworker@mutex_lock(pag_ici_reclaim_lock) + tcmu-runner@xfs_buf_iowait', 20],
    ['tcm_loop-kworker@xfs_buf_iowait + tcmu-runner@mutex_lock(pag_ici_reclaim_lock)', 20],
    ['kswapd@xfs_buf_iowait + tcmu-runner@throttle_direct_reclaim', 21],
  ]],
  ['xfs-backend', 'write', 19774, 76, [
    ['tcm_loop-kworker@mutex_lock(cmdr_lock) + tcm_loop-kworker@xfs_buf_iowait', 18],
    ['kswapd@xfs_buf_iowait + tcm_loop-kworker@mutex_lock(pag_ici_reclaim_lock)', 18],
    ['tcmu-runner@xfs_buf_iowait', 19],
    ['kswapd@xfs_buf_iowait + tcmu-runner@mutex_lock(pag_ici_reclaim_lock)', 19],
    ['kswapd@xfs_buf_iowait + tcm_loop-kworker@mutex_lock(cmdr_lock) + tcm_loop-kworker@mutex_lock(pag_ici_reclaim_lock)', 19],
    ['kswapd@xfs_buf_iowait + tcm_loop-kworker@mutex_lock(pag_ici_reclaim_lock) + tcmu-runner@mutex_lock(cmdr_lock)', 19],
    ['tcm_loop-kworker@mutex_lock(pag_ici_reclaim_lock) + tcm_loop-kworker@xfs_buf_iowait', 30],
    ['tcm_loop-kworker@mutex_lock(pag_ici_reclaim_lock) + tcmu-runner@xfs_buf_iowait', 31],
    ['tcm_loop-kworker@xfs_buf_iowait + tcmu-runner@mutex_lock(pag_ici_reclaim_lock)', 31],
    ['kswapd@xfs_buf_iowait + tcmu-runner@throttle_direct_reclaim', 35],
  ]],
  ['xfs-backend', 'read', 17658, 68, [
    ['tcm_loop-kworker@mutex_lock(cmdr_lock) + tcm_loop-kworker@xfs_buf_iowait', 15],
    ['kswapd@xfs_buf_iowait + tcm_loop-kworker@mutex_lock(pag_ici_reclaim_lock)', 15],
    ['tcmu-runner@xfs_buf_iowait', 16],
    ['kswapd@xfs_buf_iowait + tcmu-runner@mutex_lock(pag_ici_reclaim_lock)', 16],
    ['kswapd@xfs_buf_iowait + tcm_loop-kworker@mutex_lock(cmdr_lock) + tcm_loop-kworker@mutex_lock(pag_ici_reclaim_lock)', 16],
    ['kswapd@xfs_buf_iowait + tcm_loop-kworker@mutex_lock(pag_ici_reclaim_lock) + tcmu-runner@mutex_lock(cmdr_lock)', 16],
    ['tcm_loop-kworker@mutex_lock(pag_ici_reclaim_lock) + tcm_loop-kworker@xfs_buf_iowait', 25],
    ['tcm_loop-kworker@mutex_lock(pag_ici_reclaim_lock) + tcmu-runner@xfs_buf_iowait', 26],
    ['tcm_loop-kworker@xfs_buf_iowait + tcmu-runner@mutex_lock(pag_ici_reclaim_lock)', 26],
    ['kswapd@xfs_buf_iowait + tcmu-runner@throttle_direct_reclaim', 29],
  ]],
  ['loop-ext4', 'write', 2468, 60, [
    ['kswapd@xfs_buf_iowait + loop-worker@mutex_lock(pag_ici_reclaim_lock)', 24],
  ]],
  ['loop-ext4', 'read', 2886, 56, [
    ['kswapd@xfs_buf_iowait + loop-worker@mutex_lock(pag_ici_reclaim_lock)', 12],
    ['loop-worker@xfs_buf_iowait', 15],
  ]],
  // ext4-ssd: pages=2 is one page less than before issue 10 (the XFS buffer page is no longer inside `pages`,
  // and ext4/ssd has none): 32/42 states at the former pages=3 (= --param pages=3 now)
  ['ext4-ssd', 'write', 47, 20, []],
  ['ext4-ssd', 'read', 61, 19, []],
  ['xfs-ssd', 'write', 185, 29, []],
  ['xfs-ssd', 'read', 145, 25, []],
];

const classesOf = (r: ReturnType<typeof check>) => r.violations.map((v) => [v.class!, v.trace.length - 1] as [string, number]);

/** One search per (stack, workload, params): the pinned tables and the trace tests below share it. */
const runs = new Map<string, ReturnType<typeof check>>();
const run = (stack: string, workload: 'write' | 'read' = 'write', params: Record<string, string> = {}) => {
  const key = JSON.stringify([stack, workload, params]);
  if (!runs.has(key)) runs.set(key, check(buildStackSpec({ stack, workload, params }), { allViolations: true }));
  return runs.get(key)!;
};

describe('pinned verdicts of the named stacks (every route on)', () => {
  it.each(DEFAULTS)('%s %s: %i states, depth %i', (stack, workload, states, depth, classes) => {
    const r = run(stack, workload);
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
  ['report-2019', 'write', 'none', 24, ['tcmu-runner@xfs_buf_iowait']],
  ['report-2019', 'write', 'daemon_alloc', 29, ['tcmu-runner@xfs_buf_iowait']],
  ['report-2019', 'write', 'kswapd', 890, [
    'tcmu-runner@xfs_buf_iowait',
    'kswapd@xfs_buf_iowait + tcmu-runner@mutex_lock(pag_ici_reclaim_lock)',
    'kswapd@xfs_buf_iowait + tcmu-runner@throttle_direct_reclaim',
  ]],
  // two tcm_loop workers (the default): no kworker self-cycle, but cycles through the other worker or tcmu-runner
  // (with tcmu_cmdr_lock, the default: the second worker sleeps on cmdr_lock before the write reaches the ring)
  ['report-2019', 'write', 'tcmu_kernel', 159, [
    'tcm_loop-kworker@mutex_lock(cmdr_lock) + tcm_loop-kworker@xfs_buf_iowait',
    'tcmu-runner@xfs_buf_iowait',
    'tcm_loop-kworker@mutex_lock(pag_ici_reclaim_lock) + tcm_loop-kworker@xfs_buf_iowait',
    'tcm_loop-kworker@mutex_lock(pag_ici_reclaim_lock) + tcmu-runner@xfs_buf_iowait',
    'tcm_loop-kworker@xfs_buf_iowait + tcmu-runner@mutex_lock(pag_ici_reclaim_lock)',
  ]],
  ['report-2019', 'write', 'loop_alloc', 24, ['tcmu-runner@xfs_buf_iowait']],
  ['report-2019', 'read', 'none', 20, ['tcmu-runner@xfs_buf_iowait']],
  ['report-2019', 'read', 'daemon_alloc', 88, ['tcmu-runner@xfs_buf_iowait']],
  ['xfs-backend', 'write', 'none', 68, []],
  ['xfs-backend', 'write', 'daemon_alloc', 93, ['tcmu-runner@xfs_buf_iowait']],
  ['xfs-backend', 'write', 'kswapd', 4158, []],
  ['xfs-backend', 'write', 'tcmu_kernel', 663, [
    'tcm_loop-kworker@mutex_lock(cmdr_lock) + tcm_loop-kworker@xfs_buf_iowait',
    'tcm_loop-kworker@mutex_lock(pag_ici_reclaim_lock) + tcm_loop-kworker@xfs_buf_iowait',
  ]],
  ['loop-ext4', 'write', 'loop_alloc', 54, []],
  ['loop-ext4', 'read', 'none', 41, []],
  ['loop-ext4', 'read', 'loop_alloc', 83, ['loop-worker@xfs_buf_iowait']],
  ['loop-ext4', 'read', 'kswapd', 1874, []],
];

describe('each route on its own', () => {
  it.each(ISOLATED)('%s %s with %s only: %i states', (stack, workload, route, states, classes) => {
    const r = run(stack, workload, { ...OFF, ...(route === 'none' ? {} : { [route]: '1' }) });
    expect(r.stats.distinctStates).toBe(states);
    expect(r.violations.map((v) => v.class)).toEqual(classes);
  });
});

// two writers: [stack, workload, params, states with symmetry, states without, number of classes]
const TWO: [string, 'write' | 'read', Record<string, string>, number, number, number][] = [
  ['report-2019', 'write', { writers: '2', ios: '1' }, 4257, 6975, 10],
  ['report-2019', 'read', { writers: '2', ios: '1' }, 4699, 9194, 10],
  ['xfs-backend', 'write', { writers: '2', ios: '1' }, 4605, 7508, 10],
  ['loop-ext4', 'write', { writers: '2', ios: '2' }, 10683, 18789, 3],
  ['ext4-ssd', 'write', { writers: '2', ios: '2' }, 142, 251, 0], // 84 / 132 at the former pages=3 (issue 10)
  ['xfs-ssd', 'write', { writers: '2', ios: '2' }, 1461, 2302, 0], // 669 / 1147 with flusher_block=0 (the XFS flusher's ioend mempool wait)
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

type Explained = { cycle: { task: string; role: string; at: string; via?: string; next: string; waitsFor: string }[]; backtraces: Record<string, string[]> };
const explained = (r: ReturnType<typeof check>, cls: string) => {
  const v = r.violations.find((x) => x.class === cls);
  if (!v) throw new Error(`no class ${cls}`);
  return { v, explain: v.explain as unknown as Explained };
};

describe('the 2019 deadlock (xfs/dm-zoned/tcmu/ext4/ssd, write): the reported route', () => {
  // report-2019 is this stack: the same search as the report-2019 write row above
  const reported = () => {
    const { v, explain } = explained(run('report-2019'), 'tcmu-runner@xfs_buf_iowait');
    const last = v.trace[v.trace.length - 1].state as { tasks: { name: string; role: string; flags: string[]; blocked: boolean; waitsFor: string | null; stack: string[] }[] };
    return { v, explain, last };
  };

  it('should be found by exhaustive BFS with a minimal trace', () => {
    const { v } = reported();
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
    const { explain, last } = reported();
    const runner = last.tasks.find((t) => t.role === 'tcmu-runner')!;
    expect(runner.blocked).toBe(true);
    expect(runner.stack).toEqual(REPORTED);
    expect(runner.flags).toEqual(['PF_MEMALLOC']);
    expect(explain.backtraces['tcmu-runner']).toEqual(REPORTED);
  });

  it('should explain the wait-for cycle: tcmu-runner waits in xfs_buf_iowait for I/O only it can serve, entered from pagecache_get_page', () => {
    expect(reported().explain.cycle).toEqual([
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

  it('should list every blocked task with what it waits for, and idle kernel threads (both tcm_loop workers) as not blocked', () => {
    const { last } = reported();
    expect(last.tasks.map((t) => [t.name, t.blocked])).toEqual([
      ['writer/0', true],
      ['flush-xfs', false],
      ['kworker/dmz_cwq', false],
      ['kworker/tcm_loop/0', false],
      ['kworker/tcm_loop/1', false],
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
    const { explain } = explained(run('report-2019', 'read'), 'tcmu-runner@xfs_buf_iowait');
    expect(explain.cycle.map((e) => [e.task, e.at, e.via])).toEqual([['tcmu-runner', 'xfs_buf_iowait', '__page_cache_alloc']]);
    const bt = explain.backtraces['tcmu-runner'];
    expect(bt.slice(0, 8)).toEqual(REPORTED.slice(0, 8));
    expect(bt).toContain('__alloc_pages_nodemask [GFP_HIGHUSER_MOVABLE|__GFP_NOWARN|__GFP_NORETRY]');
    expect(bt.slice(-9)).toEqual([
      '__do_page_cache_readahead', 'ondemand_readahead', 'page_cache_sync_readahead', 'generic_file_buffered_read',
      'generic_file_read_iter', 'ext4_file_read_iter', 'new_sync_read', 'vfs_read', 'ksys_pread64',
    ]);
  });
});

describe('the other routes of the 2019 stack: their shortest traces', () => {
  const bt = (cls: string) => explained(run('report-2019'), cls).explain.backtraces;

  it("(b) kswapd reads an uncached cluster buffer from the reserves, and tcmu-runner's __GFP_FS pread serving that read is throttled waiting for kswapd", () => {
    const b = bt('kswapd@xfs_buf_iowait + tcmu-runner@throttle_direct_reclaim');
    expect(b['kswapd0'].slice(0, 7)).toEqual(['wait_for_completion', 'xfs_buf_iowait', '__xfs_buf_submit', 'xfs_buf_read_map', 'xfs_imap_to_bp', 'xfs_iflush', 'xfs_reclaim_inode']);
    expect(b['kswapd0'].slice(-2)).toEqual(['balance_pgdat [GFP_KERNEL]', 'kswapd']);
    expect(b['tcmu-runner'].slice(0, 6)).toEqual([
      'schedule',
      'throttle_direct_reclaim',
      'try_to_free_pages [GFP_HIGHUSER_MOVABLE|__GFP_NOWARN|__GFP_NORETRY]',
      '__alloc_pages_slowpath',
      '__alloc_pages_nodemask [GFP_HIGHUSER_MOVABLE|__GFP_NOWARN|__GFP_NORETRY]',
      '__page_cache_alloc',
    ]);
    expect(b['tcmu-runner'].slice(-2)).toEqual(['vfs_read', 'ksys_pread64']);
    expect(b['tcmu-runner']).not.toContain('super_cache_scan (xfs)'); // tcmu-runner itself never enters XFS
  });

  it('(d) a tcm_loop kworker reclaims into XFS from tcmu_get_empty_block, holding cmdr_lock, which tcmu-runner needs to fault in the data area', () => {
    // T1, reached only with tcmu_cmdr_lock=0 (the model before issue 10: a kworker that does not grow the data area
    // skips cmdr_lock); with the v5.2 lock (the default) the second kworker sleeps on cmdr_lock first (docs/routes.md)
    const { explain } = explained(run('report-2019', 'write', { tcmu_cmdr_lock: '0' }), 'tcm_loop-kworker@xfs_buf_iowait + tcmu-runner@mutex_lock(cmdr_lock)');
    expect(explain.cycle.map((e) => [e.task, e.at, e.via])).toEqual([
      ['kworker/tcm_loop/0', 'xfs_buf_iowait', 'tcmu_get_empty_block'],
      ['tcmu-runner', 'mutex_lock(cmdr_lock)', 'tcmu_vma_fault'],
    ]);
    expect(explain.backtraces['kworker/tcm_loop/0'].slice(-9)).toEqual([
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
    expect(explain.backtraces['tcmu-runner'].slice(0, 3)).toEqual(['mutex_lock (tcmu cmdr_lock)', 'tcmu_try_get_block_page', 'tcmu_vma_fault']);
  });

  it("(a) tcmu-runner's heap fault reclaims into XFS (xfs-backend with (a) alone, where it is the only entry: the backing XFS's page cache is NOFS)", () => {
    const r = run('xfs-backend', 'write', { ...OFF, daemon_alloc: '1' });
    const { explain } = explained(r, 'tcmu-runner@xfs_buf_iowait');
    expect(explain.cycle.map((e) => e.via)).toEqual(['do_anonymous_page']);
    expect(explain.backtraces['tcmu-runner'].slice(-5)).toEqual(['__alloc_pages_nodemask [GFP_HIGHUSER_MOVABLE|__GFP_ZERO]', 'do_anonymous_page', 'handle_mm_fault', 'do_page_fault', 'tcmulib_get_next_command']);
  });

  it('(e) the loop worker reads its backing file into a bio that reclaims into XFS (loop-ext4, read)', () => {
    const { explain } = explained(run('loop-ext4', 'read'), 'loop-worker@xfs_buf_iowait');
    expect(explain.cycle.map((e) => [e.task, e.via])).toEqual([['loop0', 'ext4_mpage_readpages']]);
    const b = explain.backtraces['loop0'];
    expect(b).toContain('try_to_free_pages [GFP_KERNEL|__GFP_NOWARN|__GFP_NORETRY|__GFP_NOMEMALLOC]');
    expect(b.slice(-3)).toEqual(['vfs_iter_read', 'lo_read_simple', 'loop_queue_work']);
  });
});

describe('model variations (pinned)', () => {
  it('should still deadlock with two tcmu-runner threads, adding a two-thread cycle through pag_ici_reclaim_lock', () => {
    const r = run('report-2019', 'write', { tcmu_threads: '2' });
    expect(r.stats.distinctStates).toBe(10733);
    expect(r.violations).toHaveLength(10);
    expect(r.violations.map((v) => v.class)).toContain('tcmu-runner@mutex_lock(pag_ici_reclaim_lock) + tcmu-runner@xfs_buf_iowait');
  });

  it('should add the one-kworker self-cycles with a single tcm_loop worker, and lose route (d) through cmdr_lock to them', () => {
    // one worker (tcm_loop_workers=1): the kworker's inode write is queued behind itself
    const one = run('report-2019', 'write', { tcm_loop_workers: '1', ios: '2' });
    expect(one.stats.distinctStates).toBe(753);
    expect(one.violations.map((v) => v.class)).toEqual([
      'tcm_loop-kworker@xfs_buf_iowait',
      'kswapd@xfs_buf_iowait + tcm_loop-kworker@mutex_lock(pag_ici_reclaim_lock)',
      'tcmu-runner@xfs_buf_iowait',
      'kswapd@xfs_buf_iowait + tcmu-runner@mutex_lock(pag_ici_reclaim_lock)',
      'kswapd@xfs_buf_iowait + tcm_loop-kworker@mutex_lock(pag_ici_reclaim_lock) + tcmu-runner@mutex_lock(cmdr_lock)',
    ]);
    // two workers (the default): the idle one takes the inode write and sleeps on cmdr_lock (tcmu_cmdr_lock, v5.2)
    const two = run('report-2019', 'write', { tcm_loop_workers: '2', ios: '2' });
    const classes = two.violations.map((v) => v.class);
    expect(two.stats.distinctStates).toBe(1209);
    expect(classes).toHaveLength(7);
    expect(classes).not.toContain('tcm_loop-kworker@xfs_buf_iowait');
    expect(classes).toContain('tcm_loop-kworker@mutex_lock(cmdr_lock) + tcm_loop-kworker@xfs_buf_iowait');
    expect(run('report-2019', 'write', { ios: '2' }).stats.distinctStates).toBe(1209); // two is the default
  });

  it('should let the command timeout break every cycle except those in which a kworker holds cmdr_lock', () => {
    const r = run('report-2019', 'write', { cmd_timeout: '1', ios: '2' });
    expect(r.stats.distinctStates).toBe(2069);
    expect(r.properties.find((p) => p.name === 'tcmu-command-timed-out')!.status).toBe('reached');
    expect(r.violations.map((v) => v.class)).toEqual([
      'tcm_loop-kworker@mutex_lock(cmdr_lock) + tcm_loop-kworker@xfs_buf_iowait',
      'kswapd@xfs_buf_iowait + tcm_loop-kworker@mutex_lock(pag_ici_reclaim_lock)',
      'kswapd@xfs_buf_iowait + tcm_loop-kworker@mutex_lock(cmdr_lock) + tcm_loop-kworker@mutex_lock(pag_ici_reclaim_lock)',
      'kswapd@xfs_buf_iowait + tcm_loop-kworker@mutex_lock(pag_ici_reclaim_lock) + tcmu-runner@mutex_lock(cmdr_lock)',
    ]);
    // in each remaining cycle a kworker is inside tcmu_get_empty_block, under cmdr_lock (the other, if any, waits for it)
    for (const v of r.violations) {
      expect((v.explain as unknown as Explained).cycle.filter((e) => e.role === 'tcm_loop-kworker').map((e) => e.via)).toContain('tcmu_get_empty_block');
    }
    const alone = run('report-2019', 'write', { cmd_timeout: '1', ios: '2', kswapd: '0', tcmu_kernel: '0', daemon_alloc: '0' });
    expect(alone.stats.distinctStates).toBe(48);
    expect(alone.status).toBe('holds'); // the reported route alone ends in an I/O error (XFS shutdown), not a hang
  });

  it('without dirty throttling, loop-ext4 fills memory with dirty pages and the loop worker waits for memory forever', () => {
    const r = run('loop-ext4', 'write', { dirty_limit: '0' });
    expect(r.stats.distinctStates).toBe(25463);
    // the worker's wait for memory is an OR-wait (any reclaimer may free a page): with kswapd blocked in XFS the
    // cycle runs through kswapd (waitfor follows another blocked mover before the task itself, 1099a50)
    expect(r.violations.map((v) => v.class)).toEqual([
      'kswapd@xfs_buf_iowait + loop-worker@__alloc_pages_slowpath',
      // flusher_block (default): the XFS flusher waits for an ioend mempool element while the loop worker waits for memory
      'flusher@mempool_alloc(xfs_ioend_bioset) + loop-worker@__alloc_pages_slowpath',
      'kswapd@xfs_buf_iowait + loop-worker@mutex_lock(pag_ici_reclaim_lock)',
      'loop-worker@__alloc_pages_slowpath',
    ]);
  });
});
