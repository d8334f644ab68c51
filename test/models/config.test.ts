/**
 * KernelConfig is data: a delta on v5.2 reaches the mechanism it names
 * (mapping masks, scopes at frames, task flags, bio-carried scope, XFS
 * reclaim mode) without any fix-named code path. The catalogue of fixes and
 * their verdicts is a later issue; this only checks the mechanisms respond.
 */
import { check } from '../../checker';
import { buildStackSpec, composeStack, defaultKernelConfig, KernelConfig, resolveConfig } from '../../models';
import { formatGfp } from '../../models/mm/gfp';
import { KState } from '../../models/kernel';
import { NO_REQ, PF_MEMALLOC_NOFS } from '../../models/core/task';
import { byEntry } from './helpers';

// ios=2 keeps these searches around a second each; the named stacks at the defaults are pinned in verdicts.test.ts.
// These tests are about which allocation sites a delta closes, so the classes here also name the reclaim entry of
// each wait (role@waitpoint[entry], byEntry); the model's classes (role@waitpoint) would merge the entries.
// The issue-10 paths that are on by default (tcmu_cmdr_lock, tcmu_batch, flusher_block) are off here: these
// entries are those of the routes alone (with tcmu_cmdr_lock on, CMDR[0] and CMDR[3] become the kworker cmdr_lock
// cycle, pinned in verdicts.test.ts and paths.test.ts).
const verdict = (config: Partial<KernelConfig>, workload: 'write' | 'read' = 'write') => {
  const params = { ios: '2', tcmu_cmdr_lock: '0', tcmu_batch: '0', flusher_block: '0' };
  const r = check(byEntry(buildStackSpec({ stack: 'report-2019', workload, config, params })), { allViolations: true });
  return r.violations.map((v) => v.class);
};

/** The entries the v5.2 baseline reaches on report-2019, write, ios=2 (every route on, two tcm_loop workers). */
const KWORKER = [
  'kswapd@xfs_buf_iowait + tcm_loop-kworker@mutex_lock(pag_ici_reclaim_lock)[tcmu_get_empty_block]',
  'kswapd@xfs_buf_iowait + tcm_loop-kworker@mutex_lock(pag_ici_reclaim_lock)[tcmu_alloc_cmd]',
];
const CMDR = [
  'tcm_loop-kworker@xfs_buf_iowait[tcmu_get_empty_block] + tcmu-runner@mutex_lock(cmdr_lock)[tcmu_vma_fault]',
  'kswapd@xfs_buf_iowait + tcm_loop-kworker@mutex_lock(pag_ici_reclaim_lock)[tcmu_get_empty_block] + tcmu-runner@mutex_lock(cmdr_lock)[tcmu_vma_fault]',
  'kswapd@xfs_buf_iowait + tcm_loop-kworker@mutex_lock(pag_ici_reclaim_lock)[tcmu_get_empty_block] + tcmu-runner@mutex_lock(cmdr_lock)[tcmu_irqcontrol]',
  'tcm_loop-kworker@xfs_buf_iowait[tcmu_get_empty_block] + tcmu-runner@mutex_lock(cmdr_lock)[tcmu_irqcontrol]',
];
const HEAP = [
  'tcmu-runner@xfs_buf_iowait[do_anonymous_page]',
  'kswapd@xfs_buf_iowait + tcmu-runner@mutex_lock(pag_ici_reclaim_lock)[do_anonymous_page]',
  'kswapd@xfs_buf_iowait + tcmu-runner@throttle_direct_reclaim[do_anonymous_page]',
];
/** tcmu-runner's preads of the backing file (readahead), under kswapd. */
const PREAD = [
  'kswapd@xfs_buf_iowait + tcmu-runner@mutex_lock(pag_ici_reclaim_lock)[__page_cache_alloc]',
  'kswapd@xfs_buf_iowait + tcmu-runner@throttle_direct_reclaim[__page_cache_alloc]',
];

describe('KernelConfig deltas on the 2019 stack', () => {
  it('should default to v5.2', () => {
    expect(defaultKernelConfig.kernel).toBe('v5.2');
    // issue 11: fuse and nfs set no mapping mask
    expect(defaultKernelConfig.mappingClear).toEqual({ xfs: ['__GFP_FS'], ext4: [], fuse: [], nfs: [] });
    expect(defaultKernelConfig.xfsInodeReclaim).toBe('sync-wait');
    expect(defaultKernelConfig.allocMasks).toEqual({
      tcmur_malloc_fault: 'GFP_HIGHUSER_MOVABLE|__GFP_ZERO',
      xfs_buf_allocate_memory: 'GFP_NOFS|__GFP_NOWARN',
      ext4_mpage_readpages_bio: 'GFP_KERNEL',
      // issue 11: nbd-server's reply (sk_page_frag_refill) and FUSE's temporary page
      nbd_sk_page_frag_refill: 'GFP_KERNEL',
      fuse_writepages_fill: 'GFP_NOFS|__GFP_HIGHMEM',
    });
    expect(defaultKernelConfig.faultAddsFsIo).toBe(true);
    expect(resolveConfig()).toBe(defaultKernelConfig);
  });

  it('should merge allocMasks key by key', () => {
    const c = resolveConfig({ allocMasks: { ext4_mpage_readpages_bio: 'GFP_NOFS' } as KernelConfig['allocMasks'] });
    expect(c.allocMasks.ext4_mpage_readpages_bio).toBe('GFP_NOFS');
    expect(c.allocMasks.tcmur_malloc_fault).toBe('GFP_HIGHUSER_MOVABLE|__GFP_ZERO');
  });

  it('should merge a delta: records merge, scopes append', () => {
    const c = resolveConfig({ taskFlags: { 'tcmu-runner': ['PF_MEMALLOC_NOIO'] }, scopes: [{ frame: 'ksys_pwrite64', scope: 'NOFS' }] });
    expect(c.taskFlags['tcmu-runner']).toEqual(['PF_MEMALLOC_NOIO']);
    expect(c.taskFlags['loop-worker']).toEqual(defaultKernelConfig.taskFlags['loop-worker']);
    expect(c.scopes).toHaveLength(1);
  });

  it('should reach every route at the v5.2 defaults', () => {
    expect(verdict({})).toEqual([
      'tcmu-runner@xfs_buf_iowait[pagecache_get_page]',
      HEAP[0],
      CMDR[0],
      'kswapd@xfs_buf_iowait + tcmu-runner@mutex_lock(pag_ici_reclaim_lock)[pagecache_get_page]',
      HEAP[1],
      KWORKER[0],
      CMDR[1],
      CMDR[2],
      CMDR[3],
      KWORKER[1],
      ...PREAD,
      HEAP[2],
    ]);
  });

  it('should close only the page-cache entries with a mapping mask (ext4 without __GFP_FS): the heap fault and the read bio stay open', () => {
    expect(verdict({ mappingClear: { xfs: ['__GFP_FS'], ext4: ['__GFP_FS'] } })).toEqual([
      HEAP[0],
      CMDR[0],
      HEAP[1],
      KWORKER[0],
      CMDR[1],
      CMDR[2],
      CMDR[3],
      KWORKER[1],
      HEAP[2],
      'kswapd@xfs_buf_iowait + tcmu-runner@mutex_lock(pag_ici_reclaim_lock)[ext4_mpage_readpages]',
    ]);
  });

  it("should leave tcmu-runner's preads open with a NOFS scope around pwrite only", () => {
    expect(verdict({ scopes: [{ frame: 'ksys_pwrite64', scope: 'NOFS', lowerFsOnly: true }] })).toEqual([
      HEAP[0],
      CMDR[0],
      HEAP[1],
      KWORKER[0],
      CMDR[1],
      CMDR[2],
      CMDR[3],
      KWORKER[1],
      ...PREAD,
      HEAP[2],
    ]);
  });

  it("should close every route that enters reclaim in tcmu-runner with PR_SET_IO_FLUSHER, leaving the kworkers'", () => {
    expect(verdict({ taskFlags: { 'tcmu-runner': ['PF_MEMALLOC_NOIO', 'PF_LOCAL_THROTTLE'] } })).toEqual([
      KWORKER[1],
      KWORKER[0],
      CMDR[1],
      // with tcmu-runner out of reclaim, the two kworkers can deadlock each other through the AG lock
      'tcm_loop-kworker@mutex_lock(pag_ici_reclaim_lock)[tcmu_alloc_cmd] + tcm_loop-kworker@xfs_buf_iowait[tcmu_alloc_cmd]',
      'tcm_loop-kworker@mutex_lock(pag_ici_reclaim_lock)[tcmu_get_empty_block] + tcm_loop-kworker@xfs_buf_iowait[tcmu_alloc_cmd]',
      'tcm_loop-kworker@mutex_lock(pag_ici_reclaim_lock)[tcmu_alloc_cmd] + tcm_loop-kworker@xfs_buf_iowait[tcmu_get_empty_block]',
      'tcm_loop-kworker@mutex_lock(pag_ici_reclaim_lock)[tcmu_get_empty_block] + tcm_loop-kworker@xfs_buf_iowait[tcmu_get_empty_block]',
      CMDR[0],
      CMDR[2],
      CMDR[3],
    ]);
  });

  it.each<[string, Partial<KernelConfig>]>([
    ['PR_SET_IO_FLUSHER on tcmu-runner and GFP_NOIO in tcmu', { taskFlags: { 'tcmu-runner': ['PF_MEMALLOC_NOIO', 'PF_LOCAL_THROTTLE'] }, allocSites: { tcmu_alloc_cmd: 'GFP_NOIO', tcmu_get_empty_block: 'GFP_NOIO', dmz_queue_chunk_work: 'GFP_NOIO' } }],
    ['XFS 5.9 non-blocking inode reclaim', { xfsInodeReclaim: 'nonblocking' }],
  ])('should close every route with %s', (_name, config) => {
    expect(verdict(config)).toEqual([]);
  });

  it('should leave every deadlock when the scope travels in the bio: the tcmu ring carries no task flags', () => {
    expect(verdict({ bioCarriesScope: true })).toEqual(verdict({}));
  });

  it('should leave the read deadlocks with a NOFS scope on writes only', () => {
    expect(verdict({ scopes: [{ frame: 'ksys_pwrite64', scope: 'NOFS', role: 'tcmu-runner' }] }, 'read')).toContain('tcmu-runner@xfs_buf_iowait[__page_cache_alloc]');
  });
});

/**
 * The merged kernel changes a kernel profile is made of, each as the delta it
 * is on v5.2 (the profiles themselves live with the fixes in specs/).
 */
const MERGED: Record<string, Partial<KernelConfig>> = {
  'loop-worker-noio (5.3, d0a255e795ab)': { taskFlags: { 'loop-worker': ['PF_KTHREAD', 'PF_LESS_THROTTLE', 'PF_MEMALLOC_NOIO'] } },
  'PF_LOCAL_THROTTLE for the loop worker (5.8, a37b0715ddf3)': { taskFlags: { 'loop-worker': ['PF_KTHREAD', 'PF_LOCAL_THROTTLE'] } },
  'tcmu-gfp-noio (5.5-5.10)': { allocSites: { tcmu_alloc_cmd: 'GFP_NOIO', tcmu_get_empty_block: 'GFP_NOIO', dmz_queue_chunk_work: 'GFP_NOIO' } },
  'xfs-async-inode-reclaim (5.9)': { xfsInodeReclaim: 'nonblocking' },
  'readahead under memalloc_nofs_save (5.10 page_cache_ra_unbounded)': { scopes: [{ frame: '__do_page_cache_readahead', scope: 'NOFS', why: 'page_cache_ra_unbounded (5.10)' }] },
};

describe('the merged changes of the kernel profiles are KernelConfig deltas that reach their mechanism', () => {
  const runnerRead = (config: Partial<KernelConfig>) => {
    const { kernel: K, spec } = composeStack({ stack: 'report-2019', config });
    const s0 = spec.init()[0] as KState;
    const runner = K.daemonsOf('tcmu-runner')[0];
    const k = K.setTask({ ...s0, mm: { free: 0, reserve: 1 } } as KState, runner, { ...K.task(s0, runner), cmd: { ...NO_REQ, op: 'read', src: 'page', fs: 0 } });
    return { K, runner, s: K.fsLayers()[1].startIo(k, runner, 'read', 'tcmu', 'regular') };
  };

  it('should put readahead (page and bio) under NOFS with the 5.10 scope, and leave the no_cached_page path alone', () => {
    const { K, runner, s } = runnerRead(MERGED['readahead under memalloc_nofs_save (5.10 page_cache_ra_unbounded)']);
    expect(formatGfp(K.allocGfp(K.task(s, runner)))).toBe('GFP_NOFS|__GFP_HIGHMEM|__GFP_NOWARN|__GFP_NORETRY|__GFP_HARDWALL|__GFP_MOVABLE');
    // NORETRY readahead fails after one round (nothing reclaimable here): no_cached_page allocates outside the scope
    const v = K.task(s, runner);
    const noCached = K.slowpath(K.slowpath({ ...s, L3: { pc: { clean: 0, dirty: 0, wb: 0, locked: 0 } } } as KState, runner, -1)!, runner, -1)!;
    expect(v.flags).toBe(PF_MEMALLOC_NOFS); // inside the scope
    expect(formatGfp(K.allocGfp(K.task(noCached, runner)))).toBe('GFP_HIGHUSER_MOVABLE');
  });

  const classes = (stack: string, workload: 'write' | 'read', config: Partial<KernelConfig>) =>
    check(buildStackSpec({ stack, workload, config, params: { ios: '2' } }), { allViolations: true }).violations.map((v) => v.class!);

  it('loop-worker-noio (5.3): no class of loop-ext4 has the loop worker in it any more', () => {
    expect(classes('loop-ext4', 'read', {}).filter((c) => c.includes('loop-worker'))).not.toEqual([]);
    expect(classes('loop-ext4', 'read', MERGED['loop-worker-noio (5.3, d0a255e795ab)'])).toEqual([]);
  });

  it('PF_LOCAL_THROTTLE for the loop worker (5.8): its write into ext4 is free-running while the global limit is exceeded', () => {
    const { kernel: K, spec } = composeStack({ stack: 'loop-ext4', config: MERGED['PF_LOCAL_THROTTLE for the loop worker (5.8, a37b0715ddf3)'] });
    const worker = K.daemonsOf('loop-worker')[0];
    const s0 = spec.init()[0] as any;
    const k = { ...s0, L0: { ...s0.L0, pc: { clean: 0, dirty: 0, wb: 1, locked: 0 } }, L2: { pc: { clean: 0, dirty: 1, wb: 0, locked: 0 } } } as KState;
    const flags = K.task(k, worker).flags;
    expect(K.globalDirty(k)).toBe(2);
    expect(K.dirtyThrottled(k, 2, flags)).toBe(false);
    expect(K.dirtyThrottled(k, 2, 0)).toBe(true);
  });

  it('tcmu-gfp-noio: no class of report-2019 has the tcm_loop kworker in it any more', () => {
    expect(classes('report-2019', 'write', MERGED['tcmu-gfp-noio (5.5-5.10)']).filter((c) => c.includes('tcm_loop-kworker'))).toEqual([]);
  });

  it('xfs-async-inode-reclaim (5.9): report-2019 holds, write and read', () => {
    expect(classes('report-2019', 'write', MERGED['xfs-async-inode-reclaim (5.9)'])).toEqual([]);
    expect(classes('report-2019', 'read', MERGED['xfs-async-inode-reclaim (5.9)'])).toEqual([]);
  });

  it('should hold everywhere with every change of the 5.10 profile (XFS reclaim no longer waits: no modelled route is left)', () => {
    const profile = Object.values(MERGED).reduce<Partial<KernelConfig>>((acc, d) => ({ ...acc, ...d, scopes: [...(acc.scopes ?? []), ...(d.scopes ?? [])] }), {});
    for (const stack of ['report-2019', 'xfs-backend', 'loop-ext4']) {
      for (const workload of ['write', 'read'] as const) {
        expect(check(buildStackSpec({ stack, workload, config: profile, params: { ios: '2' } }), { allViolations: true }).status).toBe('holds');
      }
    }
  });
});
