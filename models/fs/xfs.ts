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
import { Gfp } from '../mm/gfp';
import { KAction, KState, LockWait, Shrinker } from '../kernel';
import { superShrinker } from './super';
import { Task, TaskRef, findFrame, pop, popTo, setFrameN, top } from '../core/task';
import { FsBase } from './common';

/** Reclaimable XFS inodes (XFS_IRECLAIMABLE): clean, dirty, or being flushed by a reclaimer. */
export interface XfsInodes {
  readonly clean: number;
  readonly dirty: number;
  readonly flushing: number;
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
    return { pc: { clean: 0, dirty: 0, wb: 0, locked: 0 }, ino: { clean: 0, dirty: 0, flushing: 0 }, buf: this.index === 0 ? BUF_CACHED : BUF_NONE, bufRef: this.index === 0 ? 1 : 0 };
  }

  /** Pages this layer holds outside the page cache at the start (the cached cluster buffer). */
  initialPages(): number {
    return this.index === 0 ? 1 : 0;
  }

  /** Pages held by the inode cluster buffer (cached or in use). */
  heldPages(k: KState): number {
    return this.buf(k) === BUF_NONE ? 0 : 1;
  }

  buf(k: KState): number {
    return k[this.key].buf;
  }

  private setBuf(k: KState, buf: number, bufRef: number = k[this.key].bufRef): KState {
    return { ...k, [this.key]: { ...k[this.key], buf, bufRef } };
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
    return { ...k, [this.key]: { ...k[this.key], ino } };
  }

  /**
   * An application closed a file it wrote (timestamps/size logged) or read
   * (relatime: the first read after the file was written updates atime): the
   * inode is dirty, and once evicted from the VFS cache it is
   * XFS_IRECLAIMABLE (eviction is folded into close; xfsaild writeback of the
   * inode is not modelled, so it stays dirty until reclaim flushes it).
   */
  override fileClosed(k: KState, _op: 'read' | 'write'): KState {
    if (this.index !== 0) return k;
    const ino = this.inodes(k);
    return this.setInodes(k, { ...ino, dirty: ino.dirty + 1 });
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

  lockHolder(k: KState): TaskRef | null {
    for (const t of this.k.taskRefs()) {
      const v = this.k.task(k, t);
      const i = findFrame(v, 'xfs_reclaim_inodes_ag', this.index);
      if (i >= 0 && v.stack[i].n === 1) return t;
    }
    return null;
  }

  override shrinkers(): Shrinker[] {
    const sync = this.k.cfg.xfsInodeReclaim === 'sync-wait';
    return [
      superShrinker(
        this.label,
        this.index,
        (k) => {
          const i = this.inodes(k);
          return sync ? i.clean + i.dirty + i.flushing > 0 : i.clean > 0;
        },
        (k, t, gfp) => this.freeCachedObjects(k, t, gfp),
        // the walk allocates when it will flush a dirty inode whose cluster buffer is not cached
        (k) => sync && this.inodes(k).dirty > 0 && this.buf(k) === BUF_NONE && this.lockHolder(k) === null,
      ),
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

  /** xfs_fs_free_cached_objects → xfs_reclaim_inodes_nr. */
  private freeCachedObjects(k: KState, t: TaskRef, _gfp: Gfp): { k: KState; blocked: boolean } {
    const ino = this.inodes(k);
    if (this.k.cfg.xfsInodeReclaim === 'nonblocking') {
      // 5.9+: xfs_reclaim_inode skips dirty, pinned and flushing inodes; only clean ones are freed
      return { k: this.setInodes(k, { ...ino, clean: 0 }), blocked: false };
    }
    if (ino.clean + ino.dirty + ino.flushing === 0) return { k, blocked: false }; // no AG tagged XFS_ICI_RECLAIM_TAG
    const at = this.index;
    let k2 = this.k.pushFrames(k, t, [
      { fn: 'do_shrink_slab', at },
      { fn: 'super_cache_scan', at },
      { fn: 'xfs_reclaim_inodes_nr', at },
      { fn: 'xfs_reclaim_inodes_ag', at, n: 0 },
    ]);
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
    if (ino.dirty === 0) {
      // done (nr_to_scan covers every modelled inode): release the lock, back to shrink_slab
      k2 = this.k.updTask(k2, t, (v) => popTo(v, 'shrink_slab'));
      return { k: k2, blocked: false };
    }
    const at = this.index;
    k2 = this.setInodes(k2, { clean: 0, dirty: ino.dirty - 1, flushing: ino.flushing + 1 });
    if (this.buf(k2) === BUF_CACHED) {
      // xfs_reclaim_inode: xfs_ilock, xfs_iflock_nowait, xfs_iflush (cluster buffer found in the cache) → xfs_bwrite
      k2 = this.k.pushFrames(this.setBuf(k2, BUF_BUSY), t, [{ fn: 'xfs_reclaim_inode', at, n: 1 }]);
      return { k: this.bwrite(k2, t), blocked: true };
    }
    // xfs_iflush → xfs_imap_to_bp → xfs_trans_read_buf → xfs_buf_read_map → xfs_buf_get_map: not cached
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
    return [...super.actions(), iodone, lock, congestion];
  }

  override format(k: KState): Record<string, unknown> {
    const i = this.inodes(k);
    return { ...super.format(k), inodes: { clean: i.clean, dirty: i.dirty, flushing: i.flushing }, clusterBuffer: ['none', 'cached', 'in use'][this.buf(k)] };
  }
}
