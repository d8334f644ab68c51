/**
 * Loopback NFS: an NFS client mounting an export of the local nfsd, which
 * keeps the files on the filesystem below (`nfs/ext4/ssd`) — with fuse, the
 * place where a filesystem stands on a filesystem.
 *
 * Client ([5.2.1], kernel-semantics-stacks.md §1.2–§1.4):
 * - fs/nfs/file.c: nfs_file_write → generic_perform_write → nfs_write_begin →
 *   grab_cache_page_write_begin with the default mapping mask
 *   (GFP_HIGHUSER_MOVABLE; fs/nfs/inode.c sets none); nfs_write_end →
 *   nfs_updatepage (its nfs_page is GFP_NOIO slab: not modelled) marks the page
 *   dirty; balance_dirty_pages_ratelimited on the NFS bdi;
 * - fs/nfs/write.c: nfs_writepages runs write_cache_pages under
 *   memalloc_nofs_save; each page goes under writeback (nfs_page_async_flush)
 *   and the WRITE RPC is sent (rpciod: NOFS, GFP_NOIO mempools, folded into
 *   the flusher's step). The request waits on the socket for nfsd;
 * - the WRITE reply (nfs_write_completion): nfsd forces UNSTABLE for an async
 *   export and the client asks UNSTABLE for background writeback, so the page
 *   ends its writeback but stays PagePrivate, counted in NR_UNSTABLE_NFS and
 *   the wb's WB_RECLAIMABLE (nfs_mark_request_commit): clean yet not freeable.
 *   The model keeps such a page in the writeback count of the page cache
 *   (`pc.wb`: global dirty G = dirty + writeback + unstable, v5.2; not on the
 *   clean LRU) and counts it in `unstable`;
 * - COMMIT (nfs_write_inode / nfs_io_completion_commit → nfs_commit_inode, no
 *   wait): a flusher step when unstable pages have no COMMIT in flight; its
 *   reply (nfs_commit_release_pages) makes the pages it covered clean and
 *   freeable (`committing`: the unstable pages when it was sent);
 * - nfs_release_page (->releasepage, reached from shrink_page_list →
 *   try_to_release_page on a PagePrivate page): KernelConfig.nfsReleasePage —
 *   v5.2 returns 0 (no COMMIT, no wait, since 4f52b6bb in 4.8); ≤ 3.17 sends a
 *   COMMIT and waits for it without bound when (gfp & GFP_KERNEL) ==
 *   GFP_KERNEL (kswapd: send only); 3.18–4.7 waits at most 1 s (a delay, so the
 *   model sends the COMMIT and goes on). The model runs it in the reclaim
 *   pass's shrinker slot, after the LRU page (the kernel runs it inside
 *   shrink_page_list, before shrink_slab): what it waits for is the same.
 *
 * Server: nfsd threads ([5.2.1] fs/nfsd/nfssvc.c: nfsd, a kthread; one thread
 * in the model, the kernel starts 8): svc_process → nfsd_dispatch →
 * nfsd3_proc_write → nfsd_write → nfsd_vfs_write → vfs_iter_write, the local
 * filesystem's buffered write in nfsd's context (ext4 mapping mask, no scope),
 * with PF_LESS_THROTTLE for a loopback (RQ_LOCAL) request (PF_LOCAL_THROTTLE
 * from 5.8, a37b0715ddf3); nfsd_commit: vfs_fsync_range for a sync export,
 * which writes and waits for the local file's pages on the local disk only —
 * the model answers a COMMIT in one step (as for an async export).
 *
 * Not modelled: throttle_vm_writeout (≤ 4.8, gone in 4.9), the read workload
 * (a StackError says so), several nfsd threads, the NFS congestion threshold,
 * legacy-memcg reclaim waiting on WRITE writeback.
 *
 * @module
 */
import { Domain, bool, int, record } from '../../checker';
import { FrameFn } from '../core/frames';
import { DaemonDecl, FrameWait, KAction, KState, Shrinker } from '../kernel';
import { NO_REQ, PF_KSWAPD, Req, Task, TaskRef, popTo, top, popWith, withCmd } from '../core/task';
import { GFP_KERNEL, Gfp } from '../mm/gfp';
import { Queue, dequeue, emptyQueue, enqueue, findInQueue, queueDomain } from '../block/queue';
import { FsBase } from './common';
import { superShrinker } from './super';

interface NfsState {
  readonly pc: { clean: number; dirty: number; wb: number; locked: number };
  /** Pages answered UNSTABLE, not yet committed (part of pc.wb). */
  readonly unstable: number;
  /** Unstable pages covered by the COMMIT in flight (0: none in flight). */
  readonly committing: number;
  /** A COMMIT is in flight (sent, not answered). */
  readonly commit: boolean;
  /** RPCs on the socket for nfsd (WRITE: src 'page'; COMMIT: src 'inode'). */
  readonly rpc: Queue;
}

export class NfsLayer extends FsBase {
  readonly name = 'nfs' as const;

  protected writeFrames(): FrameFn[] {
    return ['nfs_file_write', 'generic_perform_write', 'nfs_write_begin'];
  }

  protected readFrames(): FrameFn[] {
    return ['generic_file_read_iter']; // not used: the read workload is refused for nfs (models/stack.ts)
  }

  protected writeLoopFrame(): FrameFn {
    return 'generic_perform_write';
  }

  protected writeBeginNofs(): boolean {
    return false; // nfs_write_begin: grab_cache_page_write_begin(mapping, index, flags), flags 0
  }

  private mode(): 'no-commit' | 'commit-timeout' | 'commit-wait' {
    return this.k.cfg.nfsReleasePage ?? 'no-commit';
  }

  override domain(): Domain {
    const P = this.k.totalPages();
    return record({
      pc: this.pcDomain(),
      unstable: int(0, P),
      committing: int(0, P),
      commit: bool(),
      rpc: queueDomain(this.k.bounds.queue + 1, this.k.layers.length, this.k.daemons.length),
    });
  }

  override init(): unknown {
    return { pc: { clean: 0, dirty: 0, wb: 0, locked: 0 }, unstable: 0, committing: 0, commit: false, rpc: emptyQueue(this.k.bounds.queue + 1) };
  }

  private st(k: KState): NfsState {
    return k[this.key];
  }

  private set(k: KState, s: Partial<NfsState>): KState {
    return this.k.withVar(k, this.key, { ...k[this.key], ...s });
  }

  override daemons(): DaemonDecl[] {
    return [...super.daemons(), { role: 'nfsd', name: 'nfsd', layer: this.index }];
  }

  override register(): void {
    super.register();
    // nfsd_vfs_write returned: the WRITE reply (UNSTABLE) → nfs_write_completion on the client
    this.k.onSyscallDone('nfsd', (k, t, _ok) => {
      const v = this.k.task(k, t);
      const k2 = this.k.setTask(k, t, popWith(v, v.sp, NO_REQ));
      const s = this.st(k2);
      return this.set(k2, { unstable: s.unstable + 1 }); // writeback ended; PagePrivate, NR_UNSTABLE_NFS (stays in pc.wb)
    });
  }

  /** The flusher: nfs_writepages (NOFS scope) sends a WRITE for a dirty page; or nfs_write_inode sends a COMMIT (no wait). */
  protected override writeback(k: KState, t: TaskRef): KState | undefined {
    const pc = this.pages(k);
    if (pc.dirty === 0 || this.k.task(k, t).sp !== 0) return undefined;
    const k2 = this.setPages(k, { ...pc, dirty: pc.dirty - 1, wb: pc.wb + 1 });
    const s = this.st(k2);
    return this.set(k2, { rpc: enqueue(s.rpc, this.k.newReq(k2, t, 'write', 'page', this.index, null), 'nfs rpc queue') });
  }

  /** nfs_commit_inode: a COMMIT for the unstable pages, when none is in flight (`waiter`: a FLUSH_SYNC caller). */
  private sendCommit(k: KState, t: TaskRef, waiter: TaskRef | null): KState | undefined {
    const s = this.st(k);
    if (s.unstable === 0 || s.commit) return undefined;
    const req = this.k.newReq(k, t, 'write', 'inode', this.index, waiter);
    return this.set(k, { commit: true, committing: s.unstable, rpc: enqueue(s.rpc, req, 'nfs rpc queue') });
  }

  /** nfsd: svc_recv/svc_process takes the oldest RPC: a WRITE (into the local filesystem) or a COMMIT (answered at once). */
  private serve(k: KState, t: TaskRef): KState | undefined {
    const v = this.k.task(k, t);
    const s = this.st(k);
    if (v.sp !== 0 || v.cmd.op !== 'none' || s.rpc.n === 0) return undefined;
    const [req, rest] = dequeue(s.rpc);
    const k2 = this.set(k, { rpc: rest });
    if (req.src === 'inode') {
      // nfsd_commit → COMMIT reply → nfs_commit_done → nfs_commit_release_pages: the covered pages are clean and freeable
      const pc = this.pages(k2);
      const c = this.st(k2).committing;
      const k3 = this.set(this.setPages(k2, { ...pc, wb: pc.wb - c, clean: pc.clean + c }), { unstable: this.st(k2).unstable - c, committing: 0, commit: false });
      return this.k.wakeWaiter(k3, req);
    }
    return this.k.fsBelow(this.index).startIo(this.k.setTask(k2, t, withCmd(v, req)), t, 'write', 'nfsd', 'regular');
  }

  /** Where an RPC sits: on the socket for nfsd (BlockKernel.locate asks a filesystem that has this method). */
  locate(k: KState, match: (r: Req) => boolean): { where: string; tasks: TaskRef[]; irq: boolean } | null {
    return findInQueue(this.st(k).rpc, match) >= 0 ? { where: 'sent to the local nfsd', tasks: this.k.daemonsOf('nfsd', this.index), irq: false } : null;
  }

  /**
   * nfs_release_page in the reclaim pass (see the module comment): with
   * `commit-wait`, a reclaimer whose mask has GFP_KERNEL sends a COMMIT (or
   * joins the one in flight) and sleeps in wait_on_commit; kswapd and
   * `commit-timeout` only send one.
   */
  private releasePage(): Shrinker {
    const mode = this.mode();
    const fullKernel = (gfp: Gfp) => (gfp & GFP_KERNEL) === GFP_KERNEL;
    return {
      name: `nfs_release_page(${this.label})`,
      layer: this.index,
      hasWork: (k, gfp) => {
        const s = this.st(k);
        if (mode === 'no-commit' || s.unstable === 0) return false;
        return mode === 'commit-wait' && fullKernel(gfp) ? true : !s.commit;
      },
      scan: (k, t, gfp) => {
        const s = this.st(k);
        if (mode === 'no-commit' || s.unstable === 0) return { k, blocked: false };
        const wait = mode === 'commit-wait' && fullKernel(gfp) && (this.k.task(k, t).flags & PF_KSWAPD) === 0;
        const k2 = this.sendCommit(k, t, wait ? t : null) ?? k;
        if (!wait) return { k: k2, blocked: false };
        const at = this.index;
        return {
          k: this.k.pushFrames(k2, t, [
            { fn: 'shrink_page_list', at },
            { fn: 'try_to_release_page', at },
            { fn: 'nfs_release_page', at },
            { fn: 'nfs_commit_inode', at },
            { fn: 'wait_on_commit', at },
          ]),
          blocked: true,
        };
      },
    };
  }

  /** wait_on_commit: wait_var_event_killable(rpcs_out == 0) — the COMMIT in flight was answered. */
  frameWait(k: KState, v: Task, _t: TaskRef): FrameWait | null {
    const f = top(v);
    if (!f || f.fn !== 'wait_on_commit' || f.at !== this.index || !this.st(k).commit) return null;
    const loc = this.k.locate(k, (r) => r.src === 'inode' && r.fs === this.index);
    return {
      at: 'nfs_commit_inode(FLUSH_SYNC)',
      waitsFor: `the reply to the COMMIT it sent from nfs_release_page (${this.st(k).committing} unstable ${this.label} pages), ${loc ? loc.where : 'not sent yet'}`,
      on: loc?.tasks ?? this.k.daemonsOf('nfsd', this.index),
      irq: false,
    };
  }

  override shrinkers(): Shrinker[] {
    // fs/super.c: super_cache_scan → prune_icache_sb → nfs_evict_inode: an inode with pages is not evicted; never waits
    return [superShrinker(this.label, this.index, () => false, (k) => ({ k, blocked: false })), this.releasePage()];
  }

  override actions(): KAction[] {
    const flusher = this.k.daemonsOf('flusher', this.index)[0];
    const nfsd = this.k.daemonsOf('nfsd', this.index);
    return [
      ...super.actions(),
      {
        // nfs_write_inode (WB_SYNC_NONE) or nfs_io_completion_commit: nfs_commit_inode without waiting
        name: `nfs_commit_inode(${this.label})`,
        params: [flusher],
        formatParam: (t: TaskRef) => this.k.taskName(t),
        next: (k: KState, t: TaskRef) => (this.k.task(k, t).sp === 0 ? this.sendCommit(k, t, null) : undefined),
      },
      {
        name: 'svc_process',
        params: nfsd,
        formatParam: (t: TaskRef) => this.k.taskName(t),
        next: (k: KState, t: TaskRef) => this.serve(k, t),
      },
      // the COMMIT was answered: the reclaimer in nfs_release_page goes on with the next shrinker
      this.k.sleeperAction(`wait_on_commit(${this.label})`, 'wait_on_commit', this.index, (k) => !this.st(k).commit, (k, t) => {
        const k2 = this.k.updTask(k, t, (x) => ({ ...popTo(x, 'shrink_slab'), ioDone: false }));
        return this.k.shrinkSlabContinue(k2, t);
      }),
    ];
  }

  override format(k: KState): Record<string, unknown> {
    const s = this.st(k);
    return { ...super.format(k), unstable: s.unstable, ...(s.commit ? { commitInFlight: s.committing } : {}), rpcs: s.rpc.n };
  }
}
