/**
 * dm-zoned: dmz_map runs in the submitter's context and queues the bio on its
 * chunk work; a dm-zoned kworker (chunk_wq, WQ_MEM_RECLAIM) processes it and
 * submits a clone to the zoned device below.
 *
 * Sources ([5.2.1] drivers/md/dm-zoned-target.c): dmz_map →
 * dmz_queue_chunk_work (chunk_lock, radix tree GFP_NOIO, kmalloc(GFP_NOIO),
 * queue_work(chunk_wq)); dmz_chunk_work → dmz_handle_bio → dmz_submit_bio
 * (bio_clone_fast(GFP_NOIO) from the target's bio_set, generic_make_request).
 * All I/O-path allocations are GFP_NOIO or mempool-backed; they are not
 * modelled as page allocations (see docs/models/dm-zoned.md).
 *
 * @module
 */
import { Domain, int } from '../../checker';
import { DaemonDecl, FrameWait, KAction, KState, Shrinker } from '../kernel';
import { NO_REQ, Req, Task, TaskRef, top, popWith } from '../core/task';
import { Queue, QueueLayer, dequeue, enqueue, findInQueue } from '../block/queue';

/**
 * Issue 10 (`dmz_block`): the state of the metadata blocks: all clean, some
 * dirty (every write validates its blocks in the zone bitmap:
 * dmz_handle_write → dmz_validate_blocks → dmz_dirty_mblock), or being
 * flushed by the flush work, which holds the metadata semaphore for writing.
 */
const META_CLEAN = 0;
const META_DIRTY = 1;
const META_FLUSHING = 2;

export class DmZonedLayer extends QueueLayer {
  readonly kind = 'block' as const;
  readonly name = 'dm-zoned';
  protected readonly queueNames = ['chunk'];

  override daemons(): DaemonDecl[] {
    const flush: DaemonDecl[] = this.k.bounds.paths.dmzBlock ? [{ role: 'dmz-flush', name: 'kworker/dmz_fwq', layer: this.index }] : [];
    return [{ role: 'dmz-kworker', name: 'kworker/dmz_cwq', layer: this.index }, ...flush];
  }

  protected override otherFields(): { domain: Record<string, Domain>; init: Record<string, unknown> } {
    return this.k.bounds.paths.dmzBlock ? { domain: { meta: int(0, 2) }, init: { meta: META_CLEAN } } : { domain: {}, init: {} };
  }

  private meta(k: KState): number {
    return k[this.key].meta;
  }

  private setMeta(k: KState, meta: number): KState {
    return this.k.setField(k, this.key, 'meta', meta);
  }

  override shrinkers(): Shrinker[] {
    // dm-zoned-metadata.c: dmz_mblock_shrinker_scan — frees clean mblocks under a spinlock, no gfp check, no I/O
    return [{ name: 'dmz_mblock_shrinker_scan', layer: this.index, hasWork: () => false, scan: (k) => ({ k, blocked: false }) }];
  }

  private chunk(k: KState): Queue {
    return k[this.key].chunk;
  }

  /** dmz_map in the submitter's context: dmz_queue_chunk_work adds the bio to its chunk work and queues it. */
  submit(k: KState, req: Req, _ctx: TaskRef | null): KState {
    return this.k.setField(k, this.key, 'chunk', enqueue(this.chunk(k), req, 'dm-zoned chunk work'));
  }

  locate(k: KState, match: (r: Req) => boolean): { where: string; tasks: TaskRef[]; irq: boolean } | null {
    return findInQueue(this.chunk(k), match) >= 0
      ? { where: 'queued on dm-zoned chunk work', tasks: this.k.daemonsOf('dmz-kworker', this.index), irq: false }
      : null;
  }

  actions(): KAction[] {
    const worker = this.k.daemonsOf('dmz-kworker', this.index)[0];
    return [
      {
        // dmz_chunk_work → dmz_handle_bio → dmz_submit_bio → generic_make_request (in the kworker's context)
        name: 'dmz_chunk_work',
        params: [worker],
        formatParam: (t: TaskRef) => this.k.taskName(t),
        next: (k: KState, t: TaskRef) => {
          const qu = this.chunk(k);
          if (qu.n === 0) return undefined;
          if (this.k.bounds.paths.dmzBlock && this.k.task(k, t).sp !== 0) return undefined;
          const [req, rest] = dequeue(qu);
          const k2 = this.k.setField(k, this.key, 'chunk', rest);
          if (this.k.bounds.paths.dmzBlock && this.meta(k2) === META_FLUSHING) {
            // issue 10: dmz_handle_bio → dmz_lock_metadata → down_read(&zmd->mblk_sem), held for writing by the flush work
            const at = this.index;
            const k3 = this.k.setTask(k2, t, { ...this.k.task(k2, t), cmd: req });
            return this.k.pushFrames(k3, t, [{ fn: 'dmz_chunk_work', at }, { fn: 'dmz_handle_bio', at }, { fn: 'dmz_lock_metadata', at }, { fn: 'down_read', at }]);
          }
          return this.handleBio(k2, t, req);
        },
      },
      ...(this.k.bounds.paths.dmzBlock ? this.blockingActions() : []),
    ];
  }

  /**
   * dmz_handle_bio with the metadata semaphore read-held: the bio is mapped and
   * its clone submitted below in the kworker's context (the clone carries the
   * original's scope only with the proposed bio-carried scope); with
   * `dmz_block`, a write dirties the zone's bitmap block (dmz_validate_blocks).
   */
  private handleBio(k: KState, t: TaskRef, req: Req): KState {
    const k2 = this.k.bounds.paths.dmzBlock && req.op === 'write' ? this.setMeta(k, META_DIRTY) : k;
    return this.k.below(this.index).submit(k2, req, t);
  }

  /**
   * Issue 10 (`dmz_block`), [5.2.1] drivers/md/dm-zoned-target.c: dmz_flush_work
   * (flush_wq, every DMZ_FLUSH_PERIOD = 10 s and for REQ_PREFLUSH bios) →
   * dm-zoned-metadata.c: dmz_flush_metadata: down_write(&zmd->mblk_sem),
   * dmz_log_dirty_mblocks / dmz_write_dirty_mblocks submit the dirty blocks
   * (dmz_write_mblock, in the flush worker's context) and wait for each
   * (wait_on_bit_io(DMZ_META_WRITING), TASK_UNINTERRUPTIBLE); dmz_write_sb and
   * blkdev_issue_flush follow (folded into the one write). Chunk work waits
   * for the semaphore meanwhile. In an untimed model the periodic flush may run
   * whenever metadata is dirty.
   */
  private blockingActions(): KAction[] {
    const at = this.index;
    const flusher = this.k.daemonsOf('dmz-flush', at)[0];
    const worker = this.k.daemonsOf('dmz-kworker', at)[0];
    const flush: KAction<TaskRef> = {
      name: 'dmz_flush_work',
      params: [flusher],
      formatParam: (t) => this.k.taskName(t),
      when: { task: (t) => t, frames: ['-'] },
      next: (k, t) => {
        if (this.k.task(k, t).sp !== 0 || this.meta(k) !== META_DIRTY) return undefined;
        let k2 = this.k.pushFrames(this.setMeta(k, META_FLUSHING), t, [{ fn: 'dmz_flush_work', at }, { fn: 'dmz_flush_metadata', at }]);
        // a metadata block write issued by dm-zoned itself: it completes back to this layer (endIo), waking the flush work
        k2 = this.k.below(at).submit(k2, { ...NO_REQ, op: 'write', src: 'inode', fs: at, ...this.k.waiter(t) }, t);
        return this.k.pushFrames(k2, t, [{ fn: 'wait_on_bit_io', at }]);
      },
    };
    const flushed = this.k.sleeperAction('dmz_flush_metadata: wait_on_bit_io', 'wait_on_bit_io', at, (_k, v) => v.ioDone, (k, t) =>
      // up_write(&zmd->mblk_sem): the metadata is clean
      this.setMeta(this.k.updTask(k, t, (x) => popWith(x, x.sp, x.cmd, false)), META_CLEAN),
    );
    const locked = this.k.sleeperAction('dmz_lock_metadata', 'down_read', at, (k) => this.meta(k) !== META_FLUSHING, (k, t, v) =>
      this.handleBio(this.k.setTask(k, t, popWith(v, v.sp, NO_REQ)), t, v.cmd),
      [worker],
    );
    return [flush, flushed, locked];
  }

  /** Completion of dm-zoned's own metadata write (issue 10, dmz_block): dmz_mblock_bio_end_io clears DMZ_META_WRITING and wakes the waiter. */
  endIo(k: KState, req: Req): KState {
    return this.k.wakeWaiter(k, req);
  }

  /** Issue 10 waits: chunk work on the metadata semaphore, the flush work on its metadata write. */
  frameWait(k: KState, v: Task, _t: TaskRef): FrameWait | null {
    const f = top(v)!;
    const at = this.index;
    if (f.fn === 'down_read') {
      if (this.meta(k) !== META_FLUSHING) return null;
      const holder = this.k.daemonsOf('dmz-flush', at);
      return { at: 'dmz_lock_metadata', waitsFor: `${this.label}'s metadata semaphore (mblk_sem), held for writing by ${this.k.taskName(holder[0])} in dmz_flush_metadata`, on: holder, irq: false };
    }
    if (f.fn === 'wait_on_bit_io') {
      if (v.ioDone) return null;
      const loc = this.k.locate(k, (r) => r.fs === at && r.src === 'inode');
      const where = loc ? `${loc.where}${loc.irq ? ' (the device completes it)' : ` (only ${loc.tasks.map((x) => this.k.taskName(x)).join(' or ')} can move it on)`}` : 'nowhere (lost)';
      return { at: 'dmz_flush_metadata', waitsFor: `its ${this.label} metadata block write, ${where}`, on: loc?.tasks ?? [], irq: loc?.irq ?? false };
    }
    return null;
  }

  format(k: KState): Record<string, unknown> {
    return { chunkWork: this.chunk(k).n, ...(this.k.bounds.paths.dmzBlock ? { metadata: ['clean', 'dirty', 'flushing'][this.meta(k)] } : {}) };
  }
}
