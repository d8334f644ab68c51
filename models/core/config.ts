/**
 * KernelConfig: the mechanism-level knobs of the composed model, as data.
 *
 * The defaults are Linux v5.2 (kernel-semantics.md [5.2.1]). A proposed fix
 * from the 2019 thread is a small `Partial<KernelConfig>` delta on these
 * defaults (mapping masks, scopes at frames, initial task flags, allocation
 * site masks, bio-carried scope, XFS inode reclaim mode); the mm core never
 * branches on a fix's name.
 *
 * @module
 */
import { GfpFlag } from '../mm/gfp';
import { FrameFn } from './frames';
import { Role, TaskFlag } from './task';

/** A memalloc scope entered when a frame is pushed and restored when it is popped. */
export interface ScopeRule {
  /** The frame whose entry/exit brackets the scope (e.g. `ksys_pwrite64`, `grab_cache_page_write_begin`). */
  readonly frame: FrameFn;
  /** memalloc_nofs_save (NOFS) or memalloc_noio_save (NOIO). */
  readonly scope: 'NOFS' | 'NOIO';
  /** Only for tasks of this role (e.g. RWF_NOFSRECLAIM passed by tcmu-runner). */
  readonly role?: Role;
  /** Only when the frame acts on a filesystem that is not the top of the stack. */
  readonly lowerFsOnly?: boolean;
  /** Where the rule comes from (shown in docs). */
  readonly why?: string;
}

export type FsName = 'xfs' | 'ext4' | 'fuse' | 'nfs';

/** Kernel allocation sites whose requested mask is configurable. */
export type AllocSite = 'tcmu_alloc_cmd' | 'tcmu_get_empty_block' | 'dmz_queue_chunk_work';

/**
 * Allocation sites added with the other routes of the 2019 stack (issue 5).
 * Kept apart from `allocSites` so that deltas written against the three
 * original sites keep their exact shape.
 */
export type RouteAllocSite = 'tcmur_malloc_fault' | 'xfs_buf_allocate_memory' | 'ext4_mpage_readpages_bio' | NbdFuseAllocSite;

/** Allocation sites of the nbd and FUSE layers (issue 11). */
export type NbdFuseAllocSite = 'nbd_sk_page_frag_refill' | 'fuse_writepages_fill';

export interface KernelConfig {
  /** Human label of what these defaults model. */
  readonly kernel: string;
  /**
   * Bits each filesystem clears from a regular file's mapping mask
   * (GFP_HIGHUSER_MOVABLE from inode_init_always). v5.2: xfs_setup_inode clears
   * __GFP_FS; ext4 keeps the default.
   */
  readonly mappingClear: Readonly<Record<'xfs' | 'ext4', readonly GfpFlag[]>> & Readonly<Partial<Record<FsName, readonly GfpFlag[]>>>;
  /** Extra bits cleared from the mapping of a filesystem below the top (a proposed mount option). */
  readonly lowerFsMappingClear: readonly GfpFlag[];
  /** Bits loop_set_fd clears from the backing file's mapping (v5.2: __GFP_IO|__GFP_FS). */
  readonly loopBackingClear: readonly GfpFlag[];
  /** memalloc scopes bracketing frames (v5.2: none on these paths). */
  readonly scopes: readonly ScopeRule[];
  /** Task flags each role starts with (PR_SET_IO_FLUSHER, loop worker flags, kswapd's flags). */
  readonly taskFlags: Readonly<Partial<Record<Role, readonly TaskFlag[]>>>;
  /** Requested masks of kernel allocation sites. */
  readonly allocSites: Readonly<Record<AllocSite, readonly GfpFlag[] | string>>;
  /**
   * Requested masks of the allocation sites of the other routes:
   * - `tcmur_malloc_fault`: tcmu-runner's per-command malloc() touches a new heap
   *   page; the anonymous fault allocates it (mm/memory.c: do_anonymous_page →
   *   alloc_zeroed_user_highpage_movable: GFP_HIGHUSER_MOVABLE | __GFP_ZERO);
   * - `xfs_buf_allocate_memory`: the pages of an inode cluster buffer that is not
   *   cached (fs/xfs/xfs_buf.c: xb_to_gfp → GFP_NOFS | __GFP_NOWARN);
   * - `ext4_mpage_readpages_bio`: the read bio of ext4's readpages
   *   (fs/ext4/readpage.c: bio_alloc(GFP_KERNEL, …)), which mempool_alloc turns
   *   into a page allocation with direct reclaim when the bio pool is empty.
   */
  readonly allocMasks: Readonly<Record<RouteAllocSite, readonly GfpFlag[] | string>>;
  /**
   * mm/memory.c: __get_fault_gfp_mask — a page fault on a file mapping ORs
   * __GFP_FS | __GFP_IO into the mapping's mask (true in every kernel read: 5.2,
   * 5.10, 6.14). A knob for a hypothetical change; see effectiveGfp's `fault`.
   */
  readonly faultAddsFsIo: boolean;
  /** The submitter's scope flags travel in the bio and the worker processing it enters them (proposal, not in any kernel). */
  readonly bioCarriesScope: boolean;
  /** XFS superblock-shrinker inode reclaim: `sync-wait` (<= 5.8, SYNC_WAIT flushes and waits) or `nonblocking` (5.9+). */
  readonly xfsInodeReclaim: 'sync-wait' | 'nonblocking';
  /**
   * Where XFS inactivates an evicted inode (only with the `xfs_log` path on):
   * - `sync` (<= 5.14; [5.2.1], [5.10.7] fs/xfs/xfs_super.c:
   *   xfs_fs_destroy_inode → xfs_inactive): the evicting task runs the
   *   transaction and may sleep in xlog_grant_head_wait;
   * - `inodegc` (5.15+, ab23a7768739 "xfs: per-cpu deferred inode
   *   inactivation queues", 40b1de007aca "xfs: throttle inode inactivation
   *   queuing on memory reclaim"; fs/xfs/xfs_icache.c: xfs_inode_mark_reclaimable
   *   → xfs_inodegc_queue, xfs_inodegc_worker, xfs_inodegc_shrinker_scan): the
   *   evicting task queues the inode; xfs_inactive runs in the xfs-inodegc
   *   worker; the evicting task waits for the worker (flush_work) when the
   *   inodegc shrinker has been hit since the worker last started.
   */
  readonly xfsInactivation: 'sync' | 'inodegc';
  /**
   * Issue 11, fs/nfs/file.c: nfs_release_page on a page whose WRITE was
   * answered UNSTABLE (PagePrivate until a COMMIT) — absent means `no-commit`:
   * - `no-commit` (v4.8+, 4f52b6bb "NFS: Don't call COMMIT in ->releasepage()", v5.2): return 0, never wait;
   * - `commit-timeout` (3.18–4.7): start a COMMIT, wait at most 1 s (a delay: the model does not wait);
   * - `commit-wait` (≤ 3.17): with (gfp & GFP_KERNEL) == GFP_KERNEL, nfs_commit_inode(FLUSH_SYNC): send a COMMIT and
   *   wait for its reply without bound (kswapd: send only).
   * (kernel-semantics-stacks.md §1.4)
   */
  readonly nfsReleasePage?: 'no-commit' | 'commit-timeout' | 'commit-wait';
}

/** Linux v5.2 as described in kernel-semantics.md. */
export const defaultKernelConfig: KernelConfig = Object.freeze({
  kernel: 'v5.2',
  mappingClear: Object.freeze({ xfs: ['__GFP_FS'] as GfpFlag[], ext4: [] as GfpFlag[], fuse: [] as GfpFlag[] /* fs/fuse/inode.c: fuse_iget sets no mapping mask (v5.2) */, nfs: [] as GfpFlag[] /* fs/nfs/inode.c: no mapping_set_gfp_mask (v5.2) */ }),
  lowerFsMappingClear: [],
  loopBackingClear: ['__GFP_IO', '__GFP_FS'],
  scopes: [],
  taskFlags: Object.freeze({
    'loop-worker': ['PF_KTHREAD', 'PF_LESS_THROTTLE'] as TaskFlag[], // loop_kthread_worker_fn (v5.2)
    kswapd: ['PF_KTHREAD', 'PF_MEMALLOC', 'PF_KSWAPD'] as TaskFlag[], // kswapd()
    flusher: ['PF_KTHREAD'] as TaskFlag[],
    'dmz-kworker': ['PF_KTHREAD'] as TaskFlag[],
    'tcm_loop-kworker': ['PF_KTHREAD'] as TaskFlag[],
    'tcmu-runner': [] as TaskFlag[], // userspace, no prctl (kernel-semantics.md §7.3)
    xfsaild: ['PF_KTHREAD', 'PF_MEMALLOC'] as TaskFlag[], // fs/xfs/xfs_trans_ail.c: xfsaild() sets PF_MEMALLOC (issue 10, xfs_log)
    'dmz-flush': ['PF_KTHREAD'] as TaskFlag[], // dm-zoned flush_wq worker (issue 10, dmz_block)
    'xfs-inodegc': ['PF_KTHREAD'] as TaskFlag[], // xfs-inodegc/<dev> workqueue worker (5.15+, xfsInactivation: 'inodegc')
    'nbd-server': [] as TaskFlag[], // nbd-server (userspace, 2019 6a75cb1d): no prctl (kernel-semantics-stacks.md §2.2)
    'fuse-daemon': [] as TaskFlag[], // a FUSE daemon (userspace): no prctl unless it calls PR_SET_IO_FLUSHER
    // fs/nfsd/nfssvc.c: nfsd() is a kthread; fs/nfsd/vfs.c: nfsd_vfs_write sets PF_LESS_THROTTLE around a RQ_LOCAL
    // (loopback) write — in the model every nfsd write is loopback and the flag matters only inside it, so it is held
    nfsd: ['PF_KTHREAD', 'PF_LESS_THROTTLE'] as TaskFlag[],
  }),
  allocSites: Object.freeze({
    tcmu_alloc_cmd: 'GFP_KERNEL', // target_core_user.c: tcmu_alloc_cmd (v5.2)
    tcmu_get_empty_block: 'GFP_KERNEL', // target_core_user.c: tcmu_get_empty_block (v5.2)
    dmz_queue_chunk_work: 'GFP_NOIO', // dm-zoned-target.c: dmz_queue_chunk_work
  }),
  allocMasks: Object.freeze({
    tcmur_malloc_fault: 'GFP_HIGHUSER_MOVABLE|__GFP_ZERO', // mm/memory.c: do_anonymous_page → alloc_zeroed_user_highpage_movable
    xfs_buf_allocate_memory: 'GFP_NOFS|__GFP_NOWARN', // fs/xfs/xfs_buf.c: xfs_buf_allocate_memory (xb_to_gfp, not readahead)
    ext4_mpage_readpages_bio: 'GFP_KERNEL', // fs/ext4/readpage.c: ext4_mpage_readpages → bio_alloc(GFP_KERNEL, …)
    // issue 11: net/ipv4/tcp.c: tcp_sendmsg_locked → net/core/sock.c: sk_page_frag_refill(sk, …) with sk->sk_allocation,
    // GFP_KERNEL on a user socket (net/core/sock.c: sock_init_data) — the nbd server's reply
    nbd_sk_page_frag_refill: 'GFP_KERNEL',
    // issue 11: fs/fuse/file.c: fuse_writepages_fill → alloc_page(GFP_NOFS | __GFP_HIGHMEM), the temporary page (v5.2)
    fuse_writepages_fill: 'GFP_NOFS|__GFP_HIGHMEM',
  }),
  faultAddsFsIo: true,
  bioCarriesScope: false,
  xfsInodeReclaim: 'sync-wait',
  xfsInactivation: 'sync',
}) as KernelConfig;

/** Applies a delta: scalar fields replace, record fields (`mappingClear`, `taskFlags`, `allocSites`, `allocMasks`) merge, `scopes` concatenates. */
export function resolveConfig(delta?: Partial<KernelConfig>): KernelConfig {
  if (!delta) return defaultKernelConfig;
  const d = defaultKernelConfig;
  return {
    ...d,
    ...delta,
    mappingClear: { ...d.mappingClear, ...(delta.mappingClear ?? {}) },
    taskFlags: { ...d.taskFlags, ...(delta.taskFlags ?? {}) },
    allocSites: { ...d.allocSites, ...(delta.allocSites ?? {}) },
    allocMasks: { ...d.allocMasks, ...(delta.allocMasks ?? {}) },
    scopes: [...d.scopes, ...(delta.scopes ?? [])],
  };
}
