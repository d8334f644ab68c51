/**
 * FUSE: a filesystem served by a userspace daemon; here the daemon keeps the
 * data in a file on the filesystem below (`fuse/ext4/ssd`), so this is, with
 * nfs (models/fs/nfs.ts), where a filesystem stands on a filesystem.
 *
 * The mount uses the writeback cache (FUSE_WRITEBACK_CACHE, `fc->writeback_cache`):
 * buffered writes dirty page-cache pages and the flusher writes them back —
 * the case where reclaim could wait on the daemon. Sources ([5.2.1], read from
 * the wangliang-cs/linux-5.2.1 tree as cited in kernel-semantics-stacks.md §3):
 * - fs/fuse/file.c: fuse_file_write_iter → generic_file_write_iter →
 *   generic_perform_write → fuse_write_begin → grab_cache_page_write_begin
 *   (the default mapping mask GFP_HIGHUSER_MOVABLE: fs/fuse/inode.c sets none);
 * - fs/fuse/file.c: fuse_writepages → write_cache_pages → fuse_writepages_fill:
 *   `tmp_page = alloc_page(GFP_NOFS | __GFP_HIGHMEM)`, copy_highpage, the wb's
 *   WB_WRITEBACK and NR_WRITEBACK_TEMP incremented, and then
 *   fuse_writepages_send → end_page_writeback(orig page) AT ONCE: the
 *   page-cache page is clean and not under writeback while the daemon works.
 *   fuse_writepage_locked (->writepage, kswapd's pageout) does the same for
 *   one page. This is how FUSE writeback avoids reclaim waiting on the daemon:
 *   from the VM's point of view the writeback finished instantly (Szeredi's
 *   2007 design, 3be5a52b30aa "fuse: support writable mmap", 2.6.26);
 * - fs/fuse/dev.c: the daemon read(2)s the request from /dev/fuse
 *   (fuse_dev_do_read) and writes the reply (fuse_dev_do_write → request_end
 *   → fuse_writepage_end → fuse_writepage_finish: WB_WRITEBACK and
 *   NR_WRITEBACK_TEMP decremented, the temporary page freed);
 * - fs/fuse/inode.c: fuse_evict_inode queues a FORGET (fuse_queue_forget) and
 *   does not wait: the superblock shrinker never waits on the daemon;
 * - fs/fuse/inode.c: fuse_bdi_init — BDI_CAP_STRICTLIMIT and max_ratio 1: the
 *   wb's threshold is at most 1% of the dirty limit, below one page at the
 *   model's sizes; wb_position_ratio still sets pos_ratio = 0 when global
 *   dirty reaches the limit (`if (unlikely(dtc->dirty >= limit)) return;`
 *   before the strictlimit part), and a wb with fewer than 8 dirty pages is
 *   never held by the strict limit itself, so the model's generic rule
 *   (hard limit on global dirty, released when the own wb is clean) applies,
 *   with the own wb counting the temporary pages in flight.
 *
 * Older behaviour, not modelled: before 2.6.26 a FUSE file could not be
 * written through a shared mmap at all (no ->writepage); 2.6.26's temporary
 * pages answered the concern that direct reclaim then waited on PG_writeback
 * unconditionally (which it stopped doing in v3.5, 41ac199); from 6.16
 * (UNVERIFIED, KS-stacks §3.5) the temporary pages are gone and FUSE folios stay
 * under writeback until the daemon replies, with legacy-memcg reclaim told to
 * skip them (AS_WRITEBACK_MAY_DEADLOCK_ON_RECLAIM).
 *
 * Not modelled: the read workload through FUSE (a StackError says so), the
 * daemon's GETATTR before a writeback-cache write (fuse_update_attributes),
 * kswapd's ->writepage of FUSE pages (it skips pages in flight and allocates
 * from reserves: KS-stacks §3.1), the daemon's own allocations outside the
 * backing file (with `daemon_alloc`, its read of the backing file may
 * allocate the ext4 read bio, as tcmu-runner's does).
 *
 * @module
 */
import { Domain, int, record } from '../../checker';
import { FrameFn } from '../core/frames';
import { DaemonDecl, KAction, KState, Shrinker } from '../kernel';
import { NO_REQ, Req, TaskRef, pop, popWith, withCmd } from '../core/task';
import { Queue, dequeue, emptyQueue, enqueue, findInQueue, queueDomain } from '../block/queue';
import { FsBase, FsLayerImpl } from './common';
import { superShrinker } from './super';

export class FuseLayer extends FsBase {
  readonly name = 'fuse' as const;

  protected writeFrames(): FrameFn[] {
    // fuse_file_write_iter (writeback_cache) → generic_file_write_iter → __generic_file_write_iter → generic_perform_write → fuse_write_begin
    return ['fuse_file_write_iter', 'generic_file_write_iter', '__generic_file_write_iter', 'generic_perform_write', 'fuse_write_begin'];
  }

  protected readFrames(): FrameFn[] {
    return ['generic_file_read_iter']; // not used: the read workload is refused for FUSE (models/stack.ts)
  }

  protected writeLoopFrame(): FrameFn {
    return 'generic_perform_write';
  }

  protected writeBeginNofs(): boolean {
    return false; // fuse_write_begin: grab_cache_page_write_begin(mapping, index, flags), flags from generic_perform_write (0)
  }

  override domain(): Domain {
    const b = this.k.bounds;
    return record({
      pc: this.pcDomain(),
      // temporary pages of WRITE requests not yet answered by the daemon (NR_WRITEBACK_TEMP)
      temp: int(0, this.k.totalPages()),
      // WRITE requests queued for the daemon (fc->bg_queue → fiq->pending)
      req: queueDomain(b.queue, this.k.layers.length, this.k.daemons.length),
    });
  }

  override init(): unknown {
    return { pc: { clean: 0, dirty: 0, wb: 0, locked: 0 }, temp: 0, req: emptyQueue(this.k.bounds.queue) };
  }

  /** Pages held by the layer outside the page cache: the temporary pages in flight (for pages-are-conserved). */
  heldPages(k: KState): number {
    return k[this.key].temp;
  }

  /** The wb's WB_WRITEBACK beyond PageWriteback pages: the temporary pages (page-writeback.ts: dirtyThrottled). */
  wbWritebackTemp(k: KState): number {
    return k[this.key].temp;
  }

  /**
   * BDI_CAP_STRICTLIMIT ([5.2.1] mm/page-writeback.c: wb_position_ratio): with
   * global dirty below the limit, a FUSE wb with wb_dirty >= 8 and >= wb_thresh
   * gets pos_ratio = 0 and its writer loops in balance_dirty_pages until
   * wb_dirty falls (the daemon answers WRITEs); below 8 pos_ratio is doubled
   * instead (one bounded pause). wb_thresh (at most 1% of the limit, max_ratio
   * 1 from fuse_bdi_init) is below one page at the model's sizes, so the
   * guard is wb_dirty >= `fuse_strict` (8, the kernel's constant).
   */
  strictlimitHeld(_k: KState, own: number): boolean {
    return own >= (this.k.bounds.fuseStrict ?? 8);
  }

  private reqQ(k: KState): Queue {
    return k[this.key].req;
  }

  override daemons(): DaemonDecl[] {
    return [...super.daemons(), { role: 'fuse-daemon', name: 'fuse-daemon', layer: this.index }];
  }

  override register(): void {
    super.register();
    this.k.onAllocDone('fuse_writepages_fill', (k, t, ok) => this.afterTempPage(k, t, ok));
    // the daemon's pwrite on its backing file returned: write(/dev/fuse) the reply → fuse_dev_do_write →
    // request_end → fuse_writepage_end → fuse_writepage_finish (WB_WRITEBACK, NR_WRITEBACK_TEMP −1), the temporary page freed
    this.k.onSyscallDone('fuse-daemon', (k, t, _ok) => {
      const v = this.k.task(k, t);
      const k2 = this.k.setTask(k, t, popWith(v, v.sp, NO_REQ));
      return this.k.freePage(this.k.setField(k2, this.key, 'temp', k2[this.key].temp - 1));
    });
  }

  /**
   * The flusher's step: wb_workfn → … → fuse_writepages → write_cache_pages →
   * fuse_writepages_fill, which allocates the temporary page with
   * GFP_NOFS | __GFP_HIGHMEM (masked by the flusher's scope). The fast path
   * finishes the step; otherwise the flusher is in the slow path (NOFS: no
   * filesystem shrinker; a kthread: never throttled).
   */
  protected override writeback(k: KState, t: TaskRef): KState | undefined {
    const pc = this.pages(k);
    if (pc.dirty === 0 || this.k.task(k, t).sp !== 0) return undefined;
    const at = this.index;
    const k2 = this.k.pushFrames(k, t, [
      { fn: 'wb_workfn', at },
      { fn: 'fuse_writepages', at },
      { fn: 'write_cache_pages', at },
      { fn: 'fuse_writepages_fill', at },
    ]);
    const r = this.k.startAlloc(k2, t, this.k.effectiveGfp(this.k.task(k2, t).flags, { req: this.k.siteGfp('fuse_writepages_fill') }), at);
    return r.ok ? this.afterTempPage(r.k, t, true) : r.k;
  }

  /**
   * The temporary page came (copy_highpage; fuse_writepages_send queues the
   * WRITE and ends the page's writeback at once: the page is clean), or the
   * allocation failed (-ENOMEM: the page was already cleaned by
   * clear_page_dirty_for_io; the error is recorded with mapping_set_error and
   * the data is lost — the model makes it clean and queues nothing).
   */
  private afterTempPage(k: KState, t: TaskRef, ok: boolean): KState {
    const pc = this.pages(k);
    const k2 = this.k.updTask(this.setPages(k, { ...pc, dirty: pc.dirty - 1, clean: pc.clean + 1 }), t, (v) => pop(v, v.sp));
    if (!ok) return k2;
    const req = this.k.newReq(k2, t, 'write', 'page', this.index, null);
    const st = k2[this.key];
    return this.k.withVar(k2, this.key, { ...st, temp: st.temp + 1, req: enqueue(st.req, req, 'fuse request queue') });
  }

  /** fuse_dev_do_read: the daemon takes the oldest request, then pwrite(2)s its data into the backing file. */
  private devRead(k: KState, t: TaskRef): KState | undefined {
    const v = this.k.task(k, t);
    const qu = this.reqQ(k);
    if (v.sp !== 0 || v.cmd.op !== 'none' || qu.n === 0) return undefined;
    const [req, rest] = dequeue(qu);
    const k2 = this.k.setTask(this.k.setField(k, this.key, 'req', rest), t, withCmd(v, req));
    return this.k.fsBelow(this.index).startIo(k2, t, 'write', 'fuse', 'regular');
  }

  /** Where a FUSE request sits: queued for the daemon (BlockKernel.locate asks a filesystem that has this method). */
  locate(k: KState, match: (r: Req) => boolean): { where: string; tasks: TaskRef[]; irq: boolean } | null {
    return findInQueue(this.reqQ(k), match) >= 0
      ? { where: 'queued on /dev/fuse for the FUSE daemon', tasks: this.k.daemonsOf('fuse-daemon', this.index), irq: false }
      : null;
  }

  override actions(): KAction[] {
    const daemon = this.k.daemonsOf('fuse-daemon', this.index);
    return [
      ...super.actions(),
      {
        name: 'fuse_dev_do_read',
        params: daemon,
        formatParam: (t: TaskRef) => this.k.taskName(t),
        next: (k: KState, t: TaskRef) => this.devRead(k, t),
      },
    ];
  }

  override shrinkers(): Shrinker[] {
    // fs/super.c: super_cache_scan → prune_icache_sb → evict → fuse_evict_inode: FORGET queued, never waits
    return [superShrinker(this.label, this.index, () => false, (k) => ({ k, blocked: false }))];
  }

  override format(k: KState): Record<string, unknown> {
    return { ...super.format(k), temporary: k[this.key].temp, requests: this.reqQ(k).n };
  }
}

export type FuseLayerImpl = FuseLayer & FsLayerImpl;
