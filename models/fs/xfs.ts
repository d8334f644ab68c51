/**
 * XFS: NOFS mapping mask, iomap buffered write (AOP_FLAG_NOFS), and the
 * superblock shrinker's inode reclaim which, in v5.2 (SYNC_WAIT), flushes a
 * dirty inode with xfs_bwrite and waits in xfs_buf_iowait for that I/O.
 *
 * Sources ([5.2.1]):
 * - fs/xfs/xfs_iops.c: xfs_setup_inode — mapping mask without __GFP_FS;
 * - fs/iomap.c: iomap_write_actor passes AOP_FLAG_NOFS to iomap_write_begin;
 * - fs/xfs/xfs_super.c: xfs_fs_free_cached_objects → xfs_reclaim_inodes_nr;
 * - fs/xfs/xfs_icache.c: xfs_reclaim_inodes_nr (SYNC_TRYLOCK | SYNC_WAIT),
 *   xfs_reclaim_inodes_ag (per-AG pag_ici_reclaim_lock: trylock pass, then a
 *   blocking pass when an AG was skipped), xfs_reclaim_inode (dirty + SYNC_WAIT:
 *   xfs_iflush + xfs_bwrite);
 * - fs/xfs/xfs_buf.c: xfs_bwrite → xfs_buf_submit → __xfs_buf_submit(wait) →
 *   xfs_buf_iowait → wait_for_completion (uninterruptible, no timeout);
 * - fs/xfs/xfs_inode.c: xfs_iflush → xfs_imap_to_bp → xfs_trans_read_buf →
 *   xfs_buf_read_map: an inode cluster buffer that is not cached is allocated
 *   (xfs_buf_get_map → xfs_buf_allocate_memory: alloc_page(GFP_NOFS |
 *   __GFP_NOWARN) per page, on failure "possible memory allocation deadlock"
 *   and congestion_wait(BLK_RW_ASYNC, HZ/50), retried forever) and read
 *   synchronously (_xfs_buf_read → xfs_buf_submit → xfs_buf_iowait) before the
 *   flush; a reclaimer runs this under PF_MEMALLOC, so the buffer pages come
 *   from the reserves below the min watermark;
 * - fs/xfs/xfs_buf.c: xfs_buftarg_shrink_scan → xfs_buftarg_isolate walks the
 *   buffer LRU (no __GFP_FS check, never waits): a buffer in use is skipped, a
 *   buffer whose b_lru_ref is not zero has it decremented ("another trip
 *   through the LRU"), one at zero is freed. A new buffer starts with
 *   b_lru_ref = 1 (_xfs_buf_alloc), so an idle cluster buffer survives one
 *   pass and is freed by the next.
 *
 * @module
 */
import { Domain, int, record } from '../../checker';
import { FrameFn } from '../core/frames';
import { GFP_NOFS, Gfp, __GFP_NOMEMALLOC, __GFP_NORETRY, __GFP_NOWARN } from '../mm/gfp';
import { DaemonDecl, FrameWait, KAction, KState, LockWait, Shrinker } from '../kernel';
import { superShrinker } from './super';
import { FrameSpec, Req, Task, TaskRef, findFrame, isApp, pop, popTo, setFrameN, top, withIoDone } from '../core/task';
import { FsBase } from './common';

/** Reclaimable XFS inodes (XFS_IRECLAIMABLE): clean, dirty, or being flushed by a reclaimer. */
export interface XfsInodes {
  readonly clean: number;
  readonly dirty: number;
  readonly flushing: number;
  /**
   * Issue 10 (xfs_log), closed inodes still in the VFS cache (on the inode LRU,
   * not yet evicted): `lru` logged (their change is in the AIL), `lruClean`
   * written back by xfsaild; `aildLru` / `aildDirty`: flushed by xfsaild into
   * the cluster buffer whose write is in flight (from the LRU / reclaimable).
   */
  readonly lru?: number;
  readonly lruClean?: number;
  readonly aildLru?: number;
  readonly aildDirty?: number;
  /**
   * 5.15+ deferred inactivation (`xfsInactivation: 'inodegc'`, with xfs_log):
   * evicted inodes queued for the xfs-inodegc worker (xfs_inodegc_queue's
   * per-cpu llist; one CPU modelled): `gcq` logged, `gcqClean` written back by
   * xfsaild, `aildGcq` flushed by xfsaild with the buffer write in flight;
   * `gcBatch` how many of them the worker's running execution took
   * (llist_del_all at its start) and has not inactivated yet; `gcHits`
   * xfs_inodegc's shrinker_hits (0/1: hit since the worker last started).
   */
  readonly gcq?: number;
  readonly gcqClean?: number;
  readonly aildGcq?: number;
  readonly gcBatch?: number;
  readonly gcHits?: number;
}

/**
 * The inode cluster buffer of the modelled files (one page; every modelled
 * inode is in one cluster): not in memory, cached on the buffer LRU (a page
 * that xfs_buftarg_shrink_scan can free), or in use by the reclaimer that holds
 * the AG lock (being allocated, read or written).
 */
export const BUF_NONE = 0;
export const BUF_CACHED = 1;
export const BUF_BUSY = 2;
/** Issue 10 (xfs_log): under xfsaild's delayed-write I/O (xfs_buf_delwri_submit_nowait), locked until it completes. */
export const BUF_AIL = 3;
/** Issue 10 (xfs_log): being looked up and allocated by an inode flusher (xfs_buf_get_map → xfs_buf_allocate_memory), no page yet. */
export const BUF_ALLOC = 4;

export class XfsLayer extends FsBase {
  readonly name = 'xfs' as const;

  protected writeFrames(): FrameFn[] {
    // xfs_file_write_iter → xfs_file_buffered_aio_write → iomap_file_buffered_write → iomap_apply → iomap_write_actor → iomap_write_begin
    return ['xfs_file_write_iter', 'xfs_file_buffered_aio_write', 'iomap_file_buffered_write', 'iomap_apply', 'iomap_write_actor', 'iomap_write_begin'];
  }

  protected readFrames(): FrameFn[] {
    return ['xfs_file_read_iter', 'xfs_file_buffered_aio_read'];
  }

  protected writeLoopFrame(): FrameFn {
    return 'iomap_write_actor';
  }

  protected writeBeginNofs(): boolean {
    return true; // iomap_write_actor: flags = AOP_FLAG_NOFS
  }

  override domain(): Domain {
    const K = this.k.bounds.inodes;
    if (this.logOn()) {
      const gc: Record<string, Domain> = this.inodegc() ? { gcq: int(0, K), gcqClean: int(0, K), aildGcq: int(0, K), gcBatch: int(0, K), gcHits: int(0, 1) } : {};
      const ino = record({ clean: int(0, K), dirty: int(0, K), flushing: int(0, K), lru: int(0, K), lruClean: int(0, K), aildLru: int(0, K), aildDirty: int(0, K), ...gc });
      return record({ pc: this.pcDomain(), ino, buf: int(0, 4), bufRef: int(0, 1) });
    }
    return record({ pc: this.pcDomain(), ino: record({ clean: int(0, K), dirty: int(0, K), flushing: int(0, K) }), buf: int(0, 2), bufRef: int(0, 1) });
  }

  /**
   * The top XFS starts with the cluster buffer of its new inode chunk cached:
   * fio creates new files, and xfs_ialloc_ag_alloc → xfs_ialloc_inode_init
   * builds a new chunk's cluster buffers in the buffer cache (xfs_trans_get_buf,
   * no read). That page is taken from `pages` (initialPages). A lower XFS holds
   * one backing file whose inode is not modelled: no buffer.
   */
  override init(): unknown {
    const gc = this.inodegc() ? { gcq: 0, gcqClean: 0, aildGcq: 0, gcBatch: 0, gcHits: 0 } : {};
    const ino = this.logOn() ? { clean: 0, dirty: 0, flushing: 0, lru: 0, lruClean: 0, aildLru: 0, aildDirty: 0, ...gc } : { clean: 0, dirty: 0, flushing: 0 };
    return { pc: { clean: 0, dirty: 0, wb: 0, locked: 0 }, ino, buf: this.index === 0 ? BUF_CACHED : BUF_NONE, bufRef: this.index === 0 ? 1 : 0 };
  }

  /** Issue 10: the XFS log path (`xfs_log` > 0) acts on the top XFS only (a lower XFS holds one backing file whose inode is not modelled). */
  logOn(): boolean {
    return this.k.bounds.paths.xfsLog > 0 && this.index === 0;
  }

  /** 5.15+ deferred inactivation (KernelConfig.xfsInactivation), which acts on the log path only. */
  inodegc(): boolean {
    return this.logOn() && this.k.cfg.xfsInactivation === 'inodegc';
  }

  override daemons(): DaemonDecl[] {
    // issue 10: xfsaild/<dev>, started by xfs_trans_ail_init at mount (fs/xfs/xfs_trans_ail.c)
    const aild: DaemonDecl[] = this.logOn() ? [{ role: 'xfsaild', name: `xfsaild/${this.label}`, layer: this.index }] : [];
    // 5.15+: the xfs-inodegc/<dev> workqueue (xfs_mountfs → xfs_inodegc_init: WQ_MEM_RECLAIM | WQ_FREEZABLE, max_active 1)
    const gc: DaemonDecl[] = this.inodegc() ? [{ role: 'xfs-inodegc', name: `xfs-inodegc/${this.label}`, layer: this.index }] : [];
    return [...super.daemons(), ...aild, ...gc];
  }

  /** Pages this layer holds outside the page cache at the start (the cached cluster buffer). */
  initialPages(): number {
    return this.index === 0 ? 1 : 0;
  }

  /** Pages held by the inode cluster buffer (cached or in use). */
  heldPages(k: KState): number {
    return this.buf(k) === BUF_NONE || this.buf(k) === BUF_ALLOC ? 0 : 1;
  }

  buf(k: KState): number {
    return k[this.key].buf;
  }

  private setBuf(k: KState, buf: number, bufRef: number = k[this.key].bufRef): KState {
    return this.k.withVar(k, this.key, { ...k[this.key], buf, bufRef });
  }

  /** xfs_buftarg_isolate on the idle cached cluster buffer: decrement b_lru_ref, or free the buffer (and its page) at zero. */
  private isolateBuf(k: KState): KState {
    if (this.buf(k) !== BUF_CACHED) return k;
    if (k[this.key].bufRef > 0) return this.setBuf(k, BUF_CACHED, k[this.key].bufRef - 1);
    return this.k.freePage(this.setBuf(k, BUF_NONE, 0));
  }

  inodes(k: KState): XfsInodes {
    return k[this.key].ino;
  }

  private setInodes(k: KState, ino: XfsInodes): KState {
    return this.k.setField(k, this.key, 'ino', ino);
  }

  /**
   * An application closed a file it wrote (timestamps/size logged) or read
   * (relatime: the first read after the file was written updates atime): the
   * inode is dirty, and once evicted from the VFS cache it is
   * XFS_IRECLAIMABLE (eviction is folded into close; xfsaild writeback of the
   * inode is not modelled, so it stays dirty until reclaim flushes it).
   */
  override fileClosed(k: KState, _op: 'read' | 'write', t?: TaskRef): KState {
    if (this.index !== 0) return k;
    const ino = this.inodes(k);
    if (!this.logOn()) return this.setInodes(k, { ...ino, dirty: ino.dirty + 1 });
    // issue 10 (xfs_log): the inode change is a transaction (write: file_update_time, read: touch_atime under
    // relatime → xfs_vn_update_time → xfs_trans_alloc(tr_fsyncts) → xfs_trans_reserve → xfs_log_reserve);
    // committed, the inode is logged (in the AIL) and, closed, sits on the inode LRU until evicted
    if (this.canReserve(k)) return this.setInodes(k, { ...ino, lru: ino.lru! + 1 });
    if (!t) throw new Error('fileClosed: the log reservation needs the closing task');
    const at = this.index;
    return this.k.pushFrames(k, t, [
      { fn: 'xfs_vn_update_time', at },
      ...XfsLayer.RESERVE.map((fn) => ({ fn, at })),
    ]);
  }

  // ------------------------------------------------------------ issue 10: the log (xfs_log)

  /** xfs_trans_alloc → xfs_trans_reserve → xfs_log_reserve → xlog_grant_head_wait. */
  private static readonly RESERVE: readonly FrameFn[] = ['xfs_trans_alloc', 'xfs_trans_reserve', 'xfs_log_reserve', 'xlog_grant_head_wait'];

  /**
   * Log space in use, in transaction reservations (the log holds `xfs_log` of
   * them): every logged inode whose change is not yet written back in place
   * (on the LRU, being evicted, reclaimable dirty, or flushed and its buffer
   * write in flight) and, with `flusher_block`, the on-disk size update
   * reserved for every XFS page write in flight (xfs_setfilesize_trans_alloc,
   * committed at I/O completion). Derived from the state, never stored.
   */
  logUsed(k: KState): number {
    const i = this.inodes(k);
    let used = i.lru! + i.dirty + i.flushing + i.aildLru! + i.aildDirty! + (i.gcq ?? 0) + (i.aildGcq ?? 0) + (this.k.bounds.paths.flusherBlock ? this.pages(k).wb : 0);
    for (const t of this.k.taskRefs()) {
      const v = this.k.task(k, t);
      const j = findFrame(v, 'xfs_inactive', this.index);
      if (j >= 0 && v.stack[j].n !== 1) used++; // a logged inode isolated for eviction (n = 2: xfsaild is writing it back)
    }
    return used;
  }

  logFree(k: KState): number {
    return this.k.bounds.paths.xfsLog - this.logUsed(k);
  }

  /**
   * xlog_grant_head_check: a reservation is granted at once only when the log
   * has the space and no earlier reservation waits (the grant queue is FIFO);
   * otherwise xlog_grant_head_wait (TASK_UNINTERRUPTIBLE, no timeout). The
   * order among several waiters is not modelled (whichever wakes first).
   */
  canReserve(k: KState): boolean {
    if (this.logFree(k) <= 0) return false;
    for (const t of this.k.taskRefs()) {
      const f = top(this.k.task(k, t));
      if (f && f.fn === 'xlog_grant_head_wait' && f.at === this.index) return false;
    }
    return true;
  }

  /**
   * super_cache_scan → prune_icache_sb ([5.2.1] fs/inode.c): every closed
   * inode on the LRU is isolated (inode_lru_isolate) and disposed
   * (dispose_list → evict → destroy_inode → xfs_fs_destroy_inode, which calls
   * xfs_inactive synchronously, [5.2.1] and [5.10.7] fs/xfs/xfs_super.c).
   * xfs_inactive → xfs_free_eofblocks (every modelled inode has post-EOF
   * blocks, KS part 2 §4.2) → xfs_trans_alloc(tr_itruncate) → xfs_log_reserve:
   * granted, the truncate commits and relogs the inode, which becomes a dirty
   * reclaimable inode (xfs_inode_set_reclaim_tag); not granted, the reclaimer
   * sleeps in xlog_grant_head_wait. The oldest inodes go first, and those
   * xfsaild already wrote back are taken as the oldest.
   */
  private pruneIcache(k: KState, t: TaskRef): { k: KState; blocked: boolean } {
    let k2 = k;
    const at = this.index;
    for (;;) {
      const ino = this.inodes(k2);
      if (ino.lru! + ino.lruClean! === 0) return { k: k2, blocked: false };
      const logged = ino.lruClean! === 0;
      k2 = this.setInodes(k2, logged ? { ...ino, lru: ino.lru! - 1 } : { ...ino, lruClean: ino.lruClean! - 1 });
      if (this.inodegc()) {
        // 5.15+: xfs_fs_destroy_inode → xfs_inode_mark_reclaimable → xfs_inodegc_queue: llist_add, then
        // flush_work when shrinker_hits > 0 (read at queue time; never in a transaction here)
        const q = this.inodes(k2);
        k2 = this.setInodes(k2, logged ? { ...q, gcq: q.gcq! + 1 } : { ...q, gcqClean: q.gcqClean! + 1 });
        if (q.gcHits! === 0) continue;
        return {
          k: this.k.pushFrames(k2, t, [
            { fn: 'dispose_list', at },
            { fn: 'evict', at },
            { fn: 'xfs_fs_destroy_inode', at },
            { fn: 'xfs_inode_mark_reclaimable', at },
            { fn: 'xfs_inodegc_queue', at },
            { fn: 'flush_work', at, n: 0 },
          ]),
          blocked: true,
        };
      }
      k2 = this.k.pushFrames(k2, t, [
        { fn: 'dispose_list', at },
        { fn: 'evict', at },
        { fn: 'xfs_fs_destroy_inode', at },
        { fn: 'xfs_inactive', at, n: logged ? 0 : 1 },
        { fn: 'xfs_free_eofblocks', at },
      ]);
      if (!this.canReserve(k2)) return { k: this.k.pushFrames(k2, t, XfsLayer.RESERVE.map((fn) => ({ fn, at }))), blocked: true };
      k2 = this.inactiveDone(k2, t);
    }
  }

  /** Eviction goes on after an inode (prune_icache_sb on top): the next inodes, then inode reclaim, then the next shrinker. */
  private continuePrune(k: KState, t: TaskRef): KState {
    const r = this.pruneIcache(k, t);
    if (r.blocked) return r.k;
    const r2 = this.reclaimInodes(this.k.updTask(r.k, t, (x) => popTo(x, 'shrink_slab')), t);
    return r2.blocked ? r2.k : this.k.shrinkSlabContinue(r2.k, t);
  }

  // ------------------------------------------------------------ 5.15+: deferred inactivation (inodegc)

  /** Queued inodes (taken by the running execution or not). */
  private gcPool(i: XfsInodes): number {
    return i.gcq! + i.gcqClean! + i.aildGcq!;
  }

  /** The flush_work waiters (their flush_work frame's n: 0 the pending execution has not started, 1 it runs, 2 it finished): from → to. */
  private markFlushers(k: KState, from: number, to: number): KState {
    let k2 = k;
    for (const t of this.k.taskRefs()) {
      const v = this.k.task(k2, t);
      const f = top(v);
      if (f && f.fn === 'flush_work' && f.at === this.index && f.n === from) k2 = this.k.setTask(k2, t, setFrameN(v, v.sp - 1, to));
    }
    return k2;
  }

  /**
   * The xfs-inodegc worker ([5.15] fs/xfs/xfs_icache.c: xfs_inodegc_worker):
   * an execution starts when inodes are queued (queued by xfs_inodegc_queue,
   * kicked by the shrinker, or the 1-jiffy delay expired: untimed, whenever),
   * takes the whole list (llist_del_all) and clears shrinker_hits; it then
   * inactivates the inodes one by one (xfs_inodegc_inactivate → xfs_inactive
   * → xfs_free_eofblocks → xfs_trans_alloc: the same log reservation as the
   * synchronous path, and the same wait). Inodes are counted, not identified:
   * the worker takes a clean one first (as pruneIcache does), then a logged
   * one, then one xfsaild is writing back.
   */
  private gcWork(k: KState, t: TaskRef): KState | undefined {
    if (this.k.task(k, t).sp !== 0) return undefined;
    let i = this.inodes(k);
    let k2 = k;
    if (i.gcBatch! === 0) {
      if (this.gcPool(i) === 0) return undefined;
      i = { ...i, gcBatch: this.gcPool(i), gcHits: 0 };
      k2 = this.markFlushers(this.setInodes(k2, i), 0, 1);
    }
    const n = i.gcqClean! > 0 ? 1 : i.gcq! > 0 ? 0 : 2;
    const rest = n === 1 ? { gcqClean: i.gcqClean! - 1 } : n === 0 ? { gcq: i.gcq! - 1 } : { aildGcq: i.aildGcq! - 1 };
    k2 = this.setInodes(k2, { ...i, ...rest, gcBatch: i.gcBatch! - 1 });
    const at = this.index;
    k2 = this.k.pushFrames(k2, t, [
      { fn: 'xfs_inodegc_worker', at },
      { fn: 'xfs_inodegc_inactivate', at },
      { fn: 'xfs_inactive', at, n },
      { fn: 'xfs_free_eofblocks', at },
    ]);
    if (!this.canReserve(k2)) return this.k.pushFrames(k2, t, XfsLayer.RESERVE.map((fn) => ({ fn, at })));
    return this.gcInactiveDone(k2, t);
  }

  /** The worker's xfs_inactive committed: the inode is reclaimable (xfs_inodegc_set_reclaimable); the execution ends with its last inode. */
  private gcInactiveDone(k: KState, t: TaskRef): KState {
    const k2 = this.k.updTask(k, t, (x) => pop(x, x.sp));
    const ino = this.inodes(k2);
    const k3 = this.setInodes(k2, { ...ino, dirty: ino.dirty + 1 });
    return ino.gcBatch! === 0 ? this.markFlushers(k3, 1, 2) : k3;
  }

  /** xfs_free_eofblocks' transaction commits (xfs_itruncate_extents_flags, xfs_trans_commit): the inode is logged and reclaimable. */
  private inactiveDone(k: KState, t: TaskRef): KState {
    const k2 = this.k.updTask(k, t, (v) => popTo(v, 'prune_icache_sb'));
    const ino = this.inodes(k2);
    return this.setInodes(k2, { ...ino, dirty: ino.dirty + 1 });
  }

  /**
   * xlog_grant_head_wait returned (xfs_log_space_wake: an AIL item was removed,
   * the tail moved): the reservation is granted and the caller goes on —
   * eviction (the truncate commits, pruning and then inode reclaim go on),
   * an application's timestamp transaction (the inode is logged, the file is
   * closed), or the flusher's on-disk size reservation (the page is submitted).
   */
  private logGranted(k: KState, t: TaskRef, v: Task): KState {
    const at = this.index;
    if (findFrame(v, 'xfs_inodegc_worker', at) >= 0) return this.gcInactiveDone(k, t);
    if (findFrame(v, 'xfs_inactive', at) >= 0) return this.continuePrune(this.inactiveDone(k, t), t);
    if (findFrame(v, 'xfs_vn_update_time', at) >= 0) {
      const k2 = this.k.updTask(k, t, (x) => pop(x, x.sp));
      const ino = this.inodes(k2);
      return this.setInodes(k2, { ...ino, lru: ino.lru! + 1 });
    }
    // the flusher: xfs_submit_ioend → submit_bio
    return this.submitWriteback(this.k.updTask(k, t, (x) => pop(x, x.sp)), t);
  }

  /**
   * Issue 10 (xfs_log + flusher_block), [5.2.1] fs/xfs/xfs_aops.c:
   * xfs_vm_writepages → … → xfs_submit_ioend: a write that extends the
   * on-disk size reserves log space first (xfs_setfilesize_trans_alloc →
   * xfs_trans_alloc(tr_fsyncts)), committed by xfs_setfilesize_ioend at I/O
   * completion. Every modelled page write extends its new file. The flusher
   * sleeps in xlog_grant_head_wait when the log is full.
   */
  protected override writeback(k: KState, t: TaskRef): KState | undefined {
    if (!this.logOn() || !this.k.bounds.paths.flusherBlock) return super.writeback(k, t);
    if (this.pages(k).dirty === 0 || this.k.task(k, t).sp !== 0) return undefined;
    return this.reserveAndSubmit(k, t);
  }

  /** xfs_submit_ioend: with xfs_log, the size-update reservation first (may sleep), then submit_bio. */
  private reserveAndSubmit(k: KState, t: TaskRef): KState {
    if (!this.logOn() || this.canReserve(k)) return this.submitWriteback(this.k.updTask(k, t, (x) => pop(x, x.sp)), t);
    const at = this.index;
    return this.k.pushFrames(this.k.updTask(k, t, (x) => pop(x, x.sp)), t, [
      { fn: 'wb_workfn', at },
      { fn: 'xfs_vm_writepages', at },
      { fn: 'xfs_submit_ioend', at },
      { fn: 'xfs_setfilesize_trans_alloc', at },
      ...XfsLayer.RESERVE.map((fn) => ({ fn, at })),
    ]);
  }

  /**
   * Issue 10 (flusher_block), [5.2.1] fs/xfs/xfs_aops.c: xfs_add_to_ioend →
   * xfs_alloc_ioend → bio_alloc_bioset(GFP_NOFS, …, &xfs_ioend_bioset) →
   * mm/mempool.c: mempool_alloc. With no page free the first, non-reclaiming
   * attempt fails; `pool empty` (a choice, offered while XFS page writes are in
   * flight: they hold the pool's elements) retries with the caller's mask
   * plus __GFP_NOMEMALLOC | __GFP_NORETRY | __GFP_NOWARN — one NOFS reclaim
   * round in the flusher — and if that fails too, io_schedule_timeout(5*HZ)
   * and again, until a bio of the pool completes (bio_put → mempool_free).
   * The model's flusher then waits at `mempool_alloc` until an XFS page write
   * completes (the frame's n holds the number in flight when it started).
   */
  private allocIoend(k: KState, t: TaskRef): KState | undefined {
    const pc = this.pages(k);
    if (pc.dirty === 0 || pc.wb === 0 || k.mm.free > 0 || this.k.task(k, t).sp !== 0) return undefined;
    const at = this.index;
    const k2 = this.k.pushFrames(k, t, [
      { fn: 'wb_workfn', at },
      { fn: 'xfs_vm_writepages', at },
      { fn: 'xfs_alloc_ioend', at },
      { fn: 'bio_alloc_bioset', at },
      { fn: 'mempool_alloc', at, n: Math.min(pc.wb, 15) },
    ]);
    const gfp = this.k.effectiveGfp(this.k.task(k2, t).flags, { req: GFP_NOFS | __GFP_NOMEMALLOC | __GFP_NORETRY | __GFP_NOWARN });
    const r = this.k.startAlloc(k2, t, gfp, at);
    return r.ok ? this.afterBioAlloc(r.k, t, true) : r.k;
  }

  /** The ioend bio: allocated (its page is not kept) → the writeback goes on; not allocated → wait for a pool element. */
  protected override afterBioAlloc(k: KState, t: TaskRef, ok: boolean): KState {
    const v = this.k.task(k, t);
    if (findFrame(v, 'xfs_alloc_ioend', this.index) < 0) return super.afterBioAlloc(k, t, ok);
    if (ok) return this.reserveAndSubmit(this.k.freePage(k), t);
    return k; // top frame mempool_alloc: waits until an XFS page write completes
  }

  /**
   * xfsaild ([5.2.1] fs/xfs/xfs_trans_ail.c: xfsaild → xfsaild_push; PF_MEMALLOC).
   * Its push target is moved by every reservation that finds the log short
   * (xlog_grant_push_ail), by xfs_reclaim_inodes_nr (xfs_ail_push_all) and
   * every 30 s by xfs_log_worker: in an untimed model it may push whenever a
   * logged inode is idle. xfs_inode_item_push → xfs_iflush (with
   * xfs_iflush_cluster: every dirty inode of the cluster) into the cluster
   * buffer, then xfs_buf_delwri_submit_nowait: the write is submitted in
   * xfsaild's context and xfsaild does not wait for it. The buffer is locked
   * until the write completes (a reclaimer's xfs_iflush trylock fails). When
   * the buffer is not cached, xfs_iflush → xfs_imap_to_bp reads it first:
   * xfs_buf_allocate_memory under PF_MEMALLOC (the reserves) and a synchronous
   * read — xfsaild sleeps in xfs_buf_iowait. A buffer held by a reclaimer makes
   * the push fail (XFS_ITEM_LOCKED); xfsaild retries later.
   */
  private aildPush(k: KState, t: TaskRef): KState | undefined {
    if (this.k.task(k, t).sp !== 0) return undefined;
    const ino = this.inodes(k);
    if (ino.lru! + ino.dirty + (ino.gcq ?? 0) === 0 && !this.evictingLogged(k)) return undefined;
    const b = this.buf(k);
    if (b === BUF_CACHED) return this.aildFlush(k, t);
    if (b !== BUF_NONE) return undefined;
    const at = this.index;
    const k2 = this.k.pushFrames(this.setBuf(k, BUF_ALLOC), t, [
      { fn: 'xfsaild', at },
      { fn: 'xfsaild_push', at },
      { fn: 'xfs_inode_item_push', at },
      { fn: 'xfs_iflush', at },
      { fn: 'xfs_imap_to_bp', at },
      { fn: 'xfs_buf_read_map', at },
      { fn: 'xfs_buf_get_map', at },
      { fn: 'xfs_buf_allocate_memory', at },
    ]);
    return this.allocBuf(k2, t);
  }

  /** xfs_iflush + xfs_iflush_cluster of every logged, idle inode into the cached buffer; xfs_buf_delwri_submit_nowait (no waiter). */
  private aildFlush(k: KState, t: TaskRef): KState {
    const ino = this.inodes(k);
    const gc = this.inodegc() ? { gcq: 0, aildGcq: ino.aildGcq! + ino.gcq! } : {};
    let k2 = this.setInodes(k, { ...ino, lru: 0, dirty: 0, aildLru: ino.aildLru! + ino.lru!, aildDirty: ino.aildDirty! + ino.dirty, ...gc });
    // a logged inode being evicted is still in the AIL (its ILOCK is not held before xfs_trans_alloc): flushed too
    k2 = this.markEvicting(k2, 0, 2);
    k2 = this.setBuf(this.k.updTask(k2, t, (x) => pop(x, x.sp)), BUF_AIL);
    return this.k.below(this.index).submit(k2, this.k.newReq(k2, t, 'write', 'inode', this.index, null), t);
  }

  /**
   * The cluster buffer write xfsaild submitted completed: xfs_buf_ioend →
   * xfs_buf_do_callbacks → xfs_iflush_done → xfs_trans_ail_delete: the inodes
   * are clean, the AIL tail moves and xfs_log_space_wake wakes the
   * reservations that now fit; the buffer is unlocked (back on the LRU).
   */
  override endIo(k: KState, req: Req): KState {
    if (this.logOn() && req.src === 'inode' && req.op === 'write' && req.ww === null && req.wd < 0) {
      const ino = this.inodes(k);
      const gc = this.inodegc() ? { gcqClean: ino.gcqClean! + ino.aildGcq!, aildGcq: 0 } : {};
      const k2 = this.setInodes(k, { ...ino, clean: ino.clean + ino.aildDirty!, lruClean: ino.lruClean! + ino.aildLru!, aildLru: 0, aildDirty: 0, ...gc });
      return this.markEvicting(this.setBuf(k2, BUF_CACHED), 2, 1);
    }
    return super.endIo(k, req);
  }

  private evictingLogged(k: KState): boolean {
    for (const t of this.k.taskRefs()) {
      const v = this.k.task(k, t);
      const j = findFrame(v, 'xfs_inactive', this.index);
      if (j >= 0 && v.stack[j].n === 0) return true;
    }
    return false;
  }

  /** The inode a task is evicting (its xfs_inactive frame's n: 0 logged, 1 clean, 2 flushed by xfsaild, write in flight): from → to. */
  private markEvicting(k: KState, from: number, to: number): KState {
    let k2 = k;
    for (const t of this.k.taskRefs()) {
      const v = this.k.task(k2, t);
      const j = findFrame(v, 'xfs_inactive', this.index);
      if (j >= 0 && v.stack[j].n === from) k2 = this.k.setTask(k2, t, setFrameN(v, j, to));
    }
    return k2;
  }

  /** The task that holds the cluster buffer or pushes the AIL, for waits on xfsaild's flush. */
  private aildTask(): TaskRef | null {
    return this.k.daemonRefs('xfsaild', this.index)[0] ?? null;
  }

  /**
   * Issue 10 waits of this layer (see AnyLayer.frameWait):
   * - xlog_grant_head_wait: log space, freed only when a logged inode's
   *   cluster buffer write completes (xfsaild's push or a reclaimer's
   *   xfs_bwrite), or a page write's size update commits;
   * - xfs_iflock / delay: a reclaimer waiting for xfsaild's cluster buffer
   *   I/O (the inode's flush lock, or the buffer lock its xfs_iflush trylock
   *   lost).
   */
  frameWait(k: KState, v: Task, _t: TaskRef): FrameWait | null {
    const f = top(v)!;
    const aild = this.aildTask();
    if (f.fn === 'xlog_grant_head_wait') {
      if (this.logFree(k) > 0) return null;
      const ino = this.k.locate(k, (r) => r.src === 'inode' && r.fs === this.index);
      const page = this.k.bounds.paths.flusherBlock ? this.k.locate(k, (r) => r.src === 'page' && r.op === 'write' && r.fs === this.index) : null;
      const on: TaskRef[] = [...(ino?.tasks ?? []), ...(page?.tasks ?? [])];
      if (aild && this.k.task(k, aild).sp > 0) on.push(aild);
      const holder = this.lockHolder(k);
      if (holder) on.push(holder);
      const where = ino ? `a cluster buffer write is ${ino.irq ? `${ino.where} (the device completes it)` : `${ino.where} (only ${ino.tasks.map((x) => this.k.taskName(x)).join(' or ')} can move it on)`}` : 'no cluster buffer write in flight';
      return {
        at: 'xlog_grant_head_wait',
        waitsFor: `${this.label} log space (${this.logUsed(k)} of ${this.k.bounds.paths.xfsLog} reservations in use), returned only when the AIL tail moves: ${where}`,
        on,
        irq: (ino?.irq ?? false) || (page?.irq ?? false),
      };
    }
    if (f.fn === 'mempool_alloc') {
      // the flusher waiting for an element of xfs_ioend_bioset: an XFS page write must complete
      if (this.pages(k).wb < f.n) return null;
      const loc = this.k.locate(k, (r) => r.src === 'page' && r.op === 'write' && r.fs === this.index);
      const where = loc ? `${loc.where}${loc.irq ? ' (the device completes it)' : ` (only ${loc.tasks.map((x) => this.k.taskName(x)).join(' or ')} can move it on)`}` : 'nowhere (lost)';
      return { at: 'mempool_alloc(xfs_ioend_bioset)', waitsFor: `an element of xfs_ioend_bioset: an ${this.label} page write must complete; the oldest is ${where}`, on: loc?.tasks ?? [], irq: loc?.irq ?? false };
    }
    if (f.fn === 'flush_work') {
      // 5.15+: xfs_inodegc_queue → flush_work: the worker's pending execution (it takes this inode) must finish
      if (f.n === 2) return null;
      const gc = this.k.daemonRefs('xfs-inodegc', this.index)[0];
      const gw = gc ? top(this.k.task(k, gc)) : undefined;
      const state = f.n === 0 ? 'has not started yet' : gw ? `is in ${gw.fn}` : 'runs';
      return {
        at: 'flush_work(xfs_inodegc)',
        waitsFor: `the ${this.label} inodegc worker's execution that takes the inode it queued (shrinker_hits > 0: xfs_inodegc_want_flush_work); the execution ${state}`,
        on: gc ? [gc] : [],
        irq: false,
      };
    }
    if (f.fn === 'xfs_iflock' || f.fn === 'delay') {
      if (this.aildReleased(k, f.fn)) return null;
      const w = this.k.locate(k, (r) => r.src === 'inode' && r.fs === this.index && r.ww === null && r.wd < 0);
      const on: TaskRef[] = w ? [...w.tasks] : aild ? [aild] : [];
      const what = f.fn === 'xfs_iflock' ? 'the flush lock of an inode xfsaild flushed' : 'the cluster buffer lock (xfs_iflush trylock failed, delay and retry)';
      return {
        at: f.fn === 'xfs_iflock' ? 'xfs_iflock' : 'xfs_reclaim_inode(delay)',
        waitsFor: `${what}: ${w ? `xfsaild's buffer write is ${w.where}` : "xfsaild is reading the cluster buffer"}`,
        on,
        irq: w?.irq ?? false,
      };
    }
    return null;
  }

  /** The reclaimer's wait on xfsaild's flush ends: xfs_iflock when its write completed; delay when the buffer is unlocked. */
  private aildReleased(k: KState, fn: 'xfs_iflock' | 'delay'): boolean {
    const b = this.buf(k);
    return fn === 'xfs_iflock' ? b !== BUF_AIL : b === BUF_CACHED || b === BUF_NONE;
  }

  /** Task holding this AG's pag_ici_reclaim_lock: the one inside xfs_reclaim_inodes_ag with the lock taken (n = 1). */
  /** A reclaimer in mutex_lock(pag_ici_reclaim_lock) (xfs_reclaim_inodes_ag, SYNC_WAIT pass). */
  lockWait(k: KState, _v: Task): LockWait | null {
    const holder = this.lockHolder(k);
    if (holder === null) return null;
    return {
      at: 'mutex_lock(pag_ici_reclaim_lock)',
      waitsFor: `${this.label}'s pag_ici_reclaim_lock, held by ${this.k.taskName(holder)} in xfs_reclaim_inodes_ag`,
      holder,
    };
  }

  /** super_cache_scan → xfs_reclaim_inodes_nr → xfs_reclaim_inodes_ag (n: 1 with the AG lock taken), built once per n. */
  private reclaimFrames(n: 0 | 1): readonly FrameSpec[] {
    const at = this.index;
    return (this.reclaimFrameLists[n] ??= Object.freeze([
      { fn: 'do_shrink_slab' as const, at },
      { fn: 'super_cache_scan' as const, at },
      { fn: 'xfs_reclaim_inodes_nr' as const, at },
      { fn: 'xfs_reclaim_inodes_ag' as const, at, n },
    ]));
  }

  private readonly reclaimFrameLists: (readonly FrameSpec[] | undefined)[] = [];

  /** lockHolder(k) among the tasks other than t. */
  private lockHolderOtherThan(k: KState, t: TaskRef): TaskRef | null {
    const app = isApp(t);
    const holders = this.lockHolders(k);
    for (let i = 0; i < holders.length; i++) {
      const u = holders[i];
      if (isApp(u) ? app && u.w === (t as { w: number }).w : !app && u.d === (t as { d: number }).d) continue;
      return u;
    }
    return null;
  }

  lockHolder(k: KState): TaskRef | null {
    const h = this.lockHolders(k);
    return h.length > 0 ? h[0] : null;
  }

  /**
   * The tasks inside xfs_reclaim_inodes_ag of this AG with the lock taken
   * (n = 1), in task order. They depend on the tasks only, and states are never
   * changed in place, so the last answer is kept for the same task objects
   * (the LRU choices of a reclaim step share them).
   */
  private lockHolders(k: KState): readonly TaskRef[] {
    const m = this.holderMemo;
    if (m !== undefined && m.app === k.app && m.kt === k.kt) return m.holders;
    const holders: TaskRef[] = [];
    const refs = this.k.taskRefs();
    for (let j = 0; j < refs.length; j++) {
      const t = refs[j];
      const v = this.k.task(k, t);
      if (v.sp === 0) continue; // an idle task holds nothing
      const i = findFrame(v, 'xfs_reclaim_inodes_ag', this.index);
      if (i >= 0 && v.stack[i].n === 1) holders.push(t);
    }
    this.holderMemo = { app: k.app, kt: k.kt, holders };
    return holders;
  }

  private holderMemo: { app: KState['app']; kt: KState['kt']; holders: readonly TaskRef[] } | undefined;

  override shrinkers(): Shrinker[] {
    const sync = this.k.cfg.xfsInodeReclaim === 'sync-wait';
    return [
      superShrinker(
        this.label,
        this.index,
        (k) => {
          const i = this.inodes(k);
          if (this.logOn() && i.lru! + i.lruClean! > 0) return true; // prune_icache_sb has inodes to evict
          return sync ? i.clean + i.dirty + i.flushing + (i.aildDirty ?? 0) > 0 : i.clean > 0;
        },
        (k, t, gfp) => this.freeCachedObjects(k, t, gfp),
        // the walk allocates when it will flush a dirty inode whose cluster buffer is not cached
        (k) => sync && this.inodes(k).dirty > 0 && this.buf(k) === BUF_NONE && this.lockHolder(k) === null,
      ),
      // 5.15+ fs/xfs/xfs_icache.c: xfs_inodegc_shrinker_count/_scan (40b1de007aca; registered in xfs_mountfs,
      // after the superblock shrinker) — no gfp check, never waits: with inodes queued, shrinker_hits++ and
      // kick the worker, SHRINK_STOP. The model's count of hits is 0/1 (only > 0 is ever tested).
      ...(this.inodegc()
        ? [
            {
              name: `xfs_inodegc_shrinker_scan(${this.label})`,
              layer: this.index,
              hasWork: (k: KState) => {
                const i = this.inodes(k);
                return i.gcHits! === 0 && this.gcPool(i) - i.gcBatch! > 0;
              },
              scan: (k: KState) => {
                const i = this.inodes(k);
                return { k: this.gcPool(i) - i.gcBatch! > 0 ? this.setInodes(k, { ...i, gcHits: 1 }) : k, blocked: false };
              },
            },
          ]
        : []),
      // fs/xfs/xfs_buf.c: xfs_buftarg_shrink_scan — no gfp check, trylocks only, never waits: ages or
      // frees the idle cached cluster buffer (xfs_buftarg_isolate)
      {
        name: `xfs_buftarg_shrink_scan(${this.label})`,
        layer: this.index,
        hasWork: (k) => this.buf(k) === BUF_CACHED,
        scan: (k) => ({ k: this.isolateBuf(k), blocked: false }),
      },
    ];
  }

  /**
   * super_cache_scan: prune_icache_sb (issue 10, xfs_log: eviction and
   * xfs_inactive), then xfs_fs_free_cached_objects → xfs_reclaim_inodes_nr.
   */
  private freeCachedObjects(k: KState, t: TaskRef, _gfp: Gfp): { k: KState; blocked: boolean } {
    if (this.logOn()) {
      const at = this.index;
      const r = this.pruneIcache(this.k.pushFrames(k, t, [{ fn: 'do_shrink_slab', at }, { fn: 'super_cache_scan', at }, { fn: 'prune_icache_sb', at }]), t);
      if (r.blocked) return r;
      return this.reclaimInodes(this.k.updTask(r.k, t, (v) => popTo(v, 'shrink_slab')), t);
    }
    return this.reclaimInodes(k, t);
  }

  /** xfs_fs_free_cached_objects → xfs_reclaim_inodes_nr. */
  private reclaimInodes(k: KState, t: TaskRef): { k: KState; blocked: boolean } {
    const ino = this.inodes(k);
    if (this.k.cfg.xfsInodeReclaim === 'nonblocking') {
      // 5.9+: xfs_reclaim_inode skips dirty, pinned and flushing inodes; only clean ones are freed
      return { k: this.setInodes(k, { ...ino, clean: 0 }), blocked: false };
    }
    if (ino.clean + ino.dirty + ino.flushing + (ino.aildDirty ?? 0) === 0) return { k, blocked: false }; // no AG tagged XFS_ICI_RECLAIM_TAG
    if (!this.logOn() && ino.dirty === 0) {
      // The walk below takes the free AG lock, frees the clean inodes, finds no dirty one and returns to
      // shrink_slab in the same step: its frames are pushed and popped again, so the task is as it was. The
      // same state is built here without them, when the push cannot overflow the stack, the task is in
      // shrink_slab and the lock is free (no task other than t holds it; t's own new frame has n = 0).
      const v = this.k.task(k, t);
      if (v.sp + 4 <= v.stack.length && v.sp > 0 && v.stack[v.sp - 1].fn === 'shrink_slab' && this.lockHolderOtherThan(k, t) === null) {
        return { k: this.setInodes(k, { ...ino, clean: 0 }), blocked: false };
      }
    }
    const at = this.index;
    {
      // The same steps with one copy of the task: after the push below, lockHolder sees t's new frame
      // (n = 0, not a holder) and every other task as in k, so it is lockHolderOtherThan(k, t); the frames
      // then go on with the lock taken (n = 1) or with mutex_lock, pushed at once. Only when the whole push
      // fits, so that an overflow is reported as before.
      const v = this.k.task(k, t);
      const other = this.lockHolderOtherThan(k, t);
      if (v.sp + (other !== null ? 5 : 4) <= v.stack.length) {
        if (other !== null) {
          // trylock pass skipped the AG; "skipped && SYNC_WAIT && nr_to_scan": blocking pass → mutex_lock(&pag->pag_ici_reclaim_lock)
          return { k: this.k.pushFrames(k, t, [...this.reclaimFrames(0), { fn: 'mutex_lock', at }]), blocked: true };
        }
        return this.reclaimWalk(this.k.pushFrames(k, t, this.reclaimFrames(1)), t); // lock taken
      }
    }
    let k2 = this.k.pushFrames(k, t, this.reclaimFrames(0));
    const holder = this.lockHolder(k2);
    if (holder !== null) {
      // trylock pass skipped the AG; "skipped && SYNC_WAIT && nr_to_scan": blocking pass → mutex_lock(&pag->pag_ici_reclaim_lock)
      return { k: this.k.pushFrames(k2, t, [{ fn: 'mutex_lock', at }]), blocked: true };
    }
    k2 = this.k.updTask(k2, t, (v) => setFrameN(v, v.sp - 1, 1)); // lock taken
    return this.reclaimWalk(k2, t);
  }

  /**
   * The walk of xfs_reclaim_inodes_ag under the AG lock: clean inodes are
   * freed; the first dirty one is grabbed (XFS_IRECLAIM), flushed and written
   * synchronously. The I/O is submitted in this task's context (for a
   * dm-zoned device dmz_map runs here) and the task waits in xfs_buf_iowait.
   */
  private reclaimWalk(k: KState, t: TaskRef): { k: KState; blocked: boolean } {
    const ino = this.inodes(k);
    let k2 = this.setInodes(k, { ...ino, clean: 0 });
    if (this.logOn()) {
      // issue 10: xfs_reclaim_inode (SYNC_WAIT) of an inode xfsaild flushed: xfs_iflock waits for its write;
      // a dirty inode whose cluster buffer xfsaild holds: xfs_iflush → xfs_imap_to_bp(XBF_TRYLOCK) fails
      // with -EAGAIN → delay(2) and restart
      const b = this.buf(k2);
      const wait: FrameFn | null = ino.dirty === 0 ? ((ino.aildDirty ?? 0) > 0 ? 'xfs_iflock' : null) : b === BUF_AIL || b === BUF_BUSY || b === BUF_ALLOC ? 'delay' : null;
      if (wait !== null) return { k: this.k.pushFrames(k2, t, [{ fn: 'xfs_reclaim_inode', at: this.index, n: 2 }, { fn: wait, at: this.index }]), blocked: true };
    }
    if (ino.dirty === 0) {
      // done (nr_to_scan covers every modelled inode): release the lock, back to shrink_slab
      k2 = this.k.updTask(k2, t, (v) => popTo(v, 'shrink_slab'));
      return { k: k2, blocked: false };
    }
    const at = this.index;
    k2 = this.setInodes(k2, { ...ino, clean: 0, dirty: ino.dirty - 1, flushing: ino.flushing + 1 });
    if (this.buf(k2) === BUF_CACHED) {
      // xfs_reclaim_inode: xfs_ilock, xfs_iflock_nowait, xfs_iflush (cluster buffer found in the cache) → xfs_bwrite
      k2 = this.k.pushFrames(this.setBuf(k2, BUF_BUSY), t, [{ fn: 'xfs_reclaim_inode', at, n: 1 }]);
      return { k: this.bwrite(k2, t), blocked: true };
    }
    // xfs_iflush → xfs_imap_to_bp → xfs_trans_read_buf → xfs_buf_read_map → xfs_buf_get_map: not cached
    if (this.logOn()) k2 = this.setBuf(k2, BUF_ALLOC); // issue 10: xfsaild must not look it up meanwhile
    k2 = this.k.pushFrames(k2, t, [
      { fn: 'xfs_reclaim_inode', at, n: 0 },
      { fn: 'xfs_iflush', at },
      { fn: 'xfs_imap_to_bp', at },
      { fn: 'xfs_buf_read_map', at },
      { fn: 'xfs_buf_get_map', at },
      { fn: 'xfs_buf_allocate_memory', at },
    ]);
    return { k: this.allocBuf(k2, t), blocked: true };
  }

  /** xfs_buf_allocate_memory: alloc_page(xb_to_gfp) in the reclaimer's context (PF_MEMALLOC: the reserves). */
  private allocBuf(k: KState, t: TaskRef): KState {
    const gfp = this.k.effectiveGfp(this.k.task(k, t).flags, { req: this.k.siteGfp('xfs_buf_allocate_memory') });
    const r = this.k.startAlloc(k, t, gfp, this.index);
    return r.ok ? this.afterBufAlloc(r.k, t, true) : r.k;
  }

  /**
   * The buffer page was allocated: _xfs_buf_read submits the read in this
   * task's context and waits (xfs_buf_submit → __xfs_buf_submit(wait) →
   * xfs_buf_iowait). Allocation failure (PF_MEMALLOC without reserves: "Avoid
   * recursion of direct reclaim"): congestion_wait(BLK_RW_ASYNC, HZ/50) and
   * retry, forever.
   */
  private afterBufAlloc(k: KState, t: TaskRef, ok: boolean): KState {
    const at = this.index;
    if (!ok) return this.k.pushFrames(k, t, [{ fn: 'congestion_wait', at }]);
    let k2 = this.setBuf(k, BUF_BUSY, 1); // the page now belongs to the new buffer (_xfs_buf_alloc: b_lru_ref = 1)
    k2 = this.k.updTask(k2, t, (v) => popTo(v, 'xfs_buf_read_map'));
    k2 = this.k.pushFrames(k2, t, [{ fn: '__xfs_buf_submit', at }]);
    k2 = this.k.below(this.index).submit(k2, this.k.newReq(k2, t, 'read', 'inode', this.index, t), t);
    return this.k.pushFrames(k2, t, [
      { fn: 'xfs_buf_iowait', at },
      { fn: 'wait_for_completion', at },
    ]);
  }

  /** xfs_iflush returned the (locked) cluster buffer: xfs_bwrite → __xfs_buf_submit, the write submitted in this task's context, then xfs_buf_iowait. */
  private bwrite(k: KState, t: TaskRef): KState {
    const at = this.index;
    let k2 = this.k.pushFrames(k, t, [
      { fn: 'xfs_bwrite', at },
      { fn: '__xfs_buf_submit', at },
    ]);
    k2 = this.k.below(this.index).submit(k2, this.k.newReq(k2, t, 'write', 'inode', this.index, t), t);
    // __xfs_buf_submit(bp, wait=true) → xfs_buf_iowait → wait_for_completion(&bp->b_iowait)
    return this.k.pushFrames(k2, t, [
      { fn: 'xfs_buf_iowait', at },
      { fn: 'wait_for_completion', at },
    ]);
  }

  /** Registers the continuation of the cluster buffer allocation (dispatching on the layer the frame acts on). */
  override register(): void {
    super.register();
    this.k.onAllocDone('xfs_buf_allocate_memory', (k, t, ok) => {
      const f = top(this.k.task(k, t))!;
      return (this.k.layers[f.at] as unknown as XfsLayer).afterBufAlloc(k, t, ok);
    });
  }

  /** Continues the walk after a wait; if it finishes, shrink_slab continues with the next shrinker. */
  private resumeWalk(k: KState, t: TaskRef): KState {
    const r = this.reclaimWalk(k, t);
    return r.blocked ? r.k : this.k.shrinkSlabContinue(r.k, t);
  }

  override actions(): KAction[] {
    const at = this.index;
    // xfs_buf_ioend → complete(&bp->b_iowait): the reclaimer wakes, the clean inode is reclaimed (xfs_reclaim_inode: reclaim:)
    const iodone = this.k.sleeperAction(`xfs_buf_iowait(${this.label})`, 'wait_for_completion', at, (_k, v) => v.ioDone, (k, t, v) => {
      const i = findFrame(v, 'xfs_reclaim_inode', at);
      if (i < 0) {
        // issue 10: xfsaild's read of the cluster buffer completed: flush the inodes into it and write it
        return this.aildFlush(this.k.updTask(k, t, (x) => withIoDone(x, false)), t);
      }
      if (v.stack[i].n === 0) {
        // the cluster buffer was read: xfs_iflush goes on (xfs_iflush_int) and returns it; xfs_bwrite
        const k2 = this.k.updTask(k, t, (x) => ({ ...setFrameN(popTo(x, 'xfs_reclaim_inode'), i, 1), ioDone: false }));
        return this.bwrite(k2, t);
      }
      // the write completed: xfs_buf_relse puts the buffer on the LRU (still cached); the inode is reclaimed
      let k2 = this.k.updTask(k, t, (x) => ({ ...popTo(x, 'xfs_reclaim_inodes_ag'), ioDone: false }));
      const ino = this.inodes(k2);
      k2 = this.setBuf(this.setInodes(k2, { ...ino, flushing: ino.flushing - 1 }), BUF_CACHED);
      return this.resumeWalk(k2, t);
    });
    // xfs_buf_allocate_memory: congestion_wait(BLK_RW_ASYNC, HZ/50) ended; alloc_page again. Only a
    // page becoming free can change the outcome (the reclaimer has PF_MEMALLOC: free or reserve pages)
    const congestion = this.k.sleeperAction(
      `xfs_buf_allocate_memory(${this.label})`,
      'congestion_wait',
      at,
      (k) => k.mm.free + k.mm.reserve > 0,
      (k, t) => this.allocBuf(this.k.updTask(k, t, (x) => pop(x, 1)), t),
    );
    // mutex_lock(&pag->pag_ici_reclaim_lock) returns once the holder released it
    const lock = this.k.sleeperAction(`mutex_lock(pag_ici_reclaim_lock, ${this.label})`, 'mutex_lock', at, (k) => this.lockHolder(k) === null, (k, t) => {
      let k2 = this.k.updTask(k, t, (x) => popTo(x, 'xfs_reclaim_inodes_ag'));
      k2 = this.k.updTask(k2, t, (x) => setFrameN(x, x.sp - 1, 1));
      return this.resumeWalk(k2, t);
    });
    const ioend: KAction[] = [];
    if (this.k.bounds.paths.flusherBlock && this.index === 0) {
      const flusher = this.k.daemonsOf('flusher', at)[0];
      ioend.push(
        { name: `xfs_alloc_ioend(${this.label}): ioend pool empty`, params: [flusher], formatParam: (t: TaskRef) => this.k.taskName(t), when: { task: (t: TaskRef) => t, frames: ['-'] }, next: (k: KState, t: TaskRef) => this.allocIoend(k, t) },
        this.k.sleeperAction(`mempool_alloc(${this.label}): element returned`, 'mempool_alloc', at, (k, v) => this.pages(k).wb < top(v)!.n, (k, t) => this.reserveAndSubmit(k, t), [flusher]),
      );
    }
    if (!this.logOn()) return [...super.actions(), iodone, lock, congestion, ...ioend];
    // issue 10 (xfs_log)
    const granted = this.k.sleeperAction(`xlog_grant_head_wait(${this.label})`, 'xlog_grant_head_wait', at, (k) => this.logFree(k) > 0, (k, t, v) => this.logGranted(k, t, v));
    const aild = this.aildTask()!;
    const push: KAction<TaskRef> = { name: `xfsaild_push(${this.label})`, params: [aild], formatParam: (t) => this.k.taskName(t), next: (k, t) => this.aildPush(k, t) };
    const afterAild = (fn: 'xfs_iflock' | 'delay') =>
      this.k.sleeperAction(`${fn === 'xfs_iflock' ? 'xfs_iflock' : 'xfs_reclaim_inode: delay'}(${this.label})`, fn, at, (k) => this.aildReleased(k, fn), (k, t) =>
        this.resumeWalk(this.k.updTask(k, t, (x) => popTo(x, 'xfs_reclaim_inodes_ag')), t),
      );
    const gc: KAction[] = [];
    if (this.inodegc()) {
      const worker = this.k.daemonRefs('xfs-inodegc', at)[0];
      gc.push(
        { name: `xfs_inodegc_worker(${this.label})`, params: [worker], formatParam: (t: TaskRef) => this.k.taskName(t), next: (k: KState, t: TaskRef) => this.gcWork(k, t) },
        // flush_work returned: eviction goes on (the next inodes, inode reclaim, the next shrinker)
        this.k.sleeperAction(`flush_work(xfs_inodegc, ${this.label})`, 'flush_work', at, (_k, v) => top(v)!.n === 2, (k, t) =>
          this.continuePrune(this.k.updTask(k, t, (x) => popTo(x, 'prune_icache_sb')), t),
        ),
      );
    }
    return [...super.actions(), iodone, lock, congestion, granted, push, afterAild('xfs_iflock'), afterAild('delay'), ...ioend, ...gc];
  }

  override format(k: KState): Record<string, unknown> {
    const i = this.inodes(k);
    if (this.logOn()) {
      return {
        ...super.format(k),
        inodes: { ...i },
        clusterBuffer: ['none', 'cached', 'in use', 'under xfsaild write', 'being allocated'][this.buf(k)],
        log: `${this.logUsed(k)}/${this.k.bounds.paths.xfsLog}`,
      };
    }
    return { ...super.format(k), inodes: { clean: i.clean, dirty: i.dirty, flushing: i.flushing }, clusterBuffer: ['none', 'cached', 'in use'][this.buf(k)] };
  }
}
