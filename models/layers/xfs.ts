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
 *   xfs_buf_iowait → wait_for_completion (uninterruptible, no timeout).
 *
 * @module
 */
import { Domain, int, record } from '../../checker';
import { FrameFn } from '../frames';
import { Gfp } from '../gfp';
import { KAction, KState, Shrinker, superShrinker } from '../kernel';
import { TaskRef, findFrame, popTo, setFrameN, top } from '../task';
import { FsBase } from './fs';

/** Reclaimable XFS inodes (XFS_IRECLAIMABLE): clean, dirty, or being flushed by a reclaimer. */
export interface XfsInodes {
  readonly clean: number;
  readonly dirty: number;
  readonly flushing: number;
}

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
    return record({ pc: this.pcDomain(), ino: record({ clean: int(0, K), dirty: int(0, K), flushing: int(0, K) }) });
  }

  override init(): unknown {
    return { pc: { clean: 0, dirty: 0, wb: 0, locked: 0 }, ino: { clean: 0, dirty: 0, flushing: 0 } };
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
  lockHolder(k: KState): TaskRef | null {
    for (const t of this.k.allTasks()) {
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
      ),
      // fs/xfs/xfs_buf.c: xfs_buftarg_shrink_scan — trylocks only, never waits; no objects modelled
      { name: `xfs_buftarg_shrink_scan(${this.label})`, layer: this.index, hasWork: () => false, scan: (k) => ({ k, blocked: false }) },
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
    // xfs_reclaim_inode: xfs_ilock, xfs_iflock_nowait, xfs_iflush → xfs_bwrite → __xfs_buf_submit
    k2 = this.k.pushFrames(k2, t, [
      { fn: 'xfs_reclaim_inode', at },
      { fn: 'xfs_bwrite', at },
      { fn: '__xfs_buf_submit', at },
    ]);
    k2 = this.k.below(this.index).submit(k2, this.k.newReq(k2, t, 'write', 'inode', this.index, t), t);
    // __xfs_buf_submit(bp, wait=true) → xfs_buf_iowait → wait_for_completion(&bp->b_iowait)
    k2 = this.k.pushFrames(k2, t, [
      { fn: 'xfs_buf_iowait', at },
      { fn: 'wait_for_completion', at },
    ]);
    return { k: k2, blocked: true };
  }

  /** Continues the walk after a wait; if it finishes, shrink_slab continues with the next shrinker. */
  private resumeWalk(k: KState, t: TaskRef): KState {
    const r = this.reclaimWalk(k, t);
    return r.blocked ? r.k : this.k.shrinkSlabContinue(r.k, t);
  }

  override actions(): KAction[] {
    const at = this.index;
    const iodone: KAction<TaskRef> = {
      // xfs_buf_ioend → complete(&bp->b_iowait): the reclaimer wakes, the clean inode is reclaimed (xfs_reclaim_inode: reclaim:)
      name: `xfs_buf_iowait(${this.label})`,
      params: this.k.allTasks(),
      formatParam: (t) => this.k.taskName(t),
      next: (k, t) => {
        const v = this.k.task(k, t);
        const f = top(v);
        if (!f || f.fn !== 'wait_for_completion' || f.at !== at || !v.ioDone) return undefined;
        let k2 = this.k.updTask(k, t, (x) => ({ ...popTo(x, 'xfs_reclaim_inodes_ag'), ioDone: false }));
        const ino = this.inodes(k2);
        k2 = this.setInodes(k2, { ...ino, flushing: ino.flushing - 1 });
        return this.resumeWalk(k2, t);
      },
    };
    const lock: KAction<TaskRef> = {
      // mutex_lock(&pag->pag_ici_reclaim_lock) returns once the holder released it
      name: `mutex_lock(pag_ici_reclaim_lock, ${this.label})`,
      params: this.k.allTasks(),
      formatParam: (t) => this.k.taskName(t),
      next: (k, t) => {
        const v = this.k.task(k, t);
        const f = top(v);
        if (!f || f.fn !== 'mutex_lock' || f.at !== at || this.lockHolder(k) !== null) return undefined;
        let k2 = this.k.updTask(k, t, (x) => popTo(x, 'xfs_reclaim_inodes_ag'));
        k2 = this.k.updTask(k2, t, (x) => setFrameN(x, x.sp - 1, 1));
        return this.resumeWalk(k2, t);
      },
    };
    return [...super.actions(), iodone, lock];
  }

  override format(k: KState): Record<string, unknown> {
    const i = this.inodes(k);
    return { ...super.format(k), inodes: { clean: i.clean, dirty: i.dirty, flushing: i.flushing } };
  }
}
