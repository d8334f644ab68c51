/**
 * What xfs and ext4 share: page-cache counters, the buffered write and read
 * paths through the generic page cache, writeback by the per-bdi flusher,
 * and bio completion.
 *
 * Sources ([5.2.1]): mm/filemap.c (generic_perform_write,
 * grab_cache_page_write_begin, pagecache_get_page, generic_file_buffered_read),
 * mm/readahead.c (readahead_gfp_mask via __do_page_cache_readahead),
 * fs/fs-writeback.c (wb_workfn), mm/page-writeback.c (end_page_writeback).
 *
 * @module
 */
import { Domain, int, record } from '../../checker';
import { FsName } from '../core/config';
import { FrameFn } from '../core/frames';
import { Gfp, __GFP_FS, __GFP_NOMEMALLOC, __GFP_NORETRY, __GFP_NOWARN, __GFP_WRITE } from '../mm/gfp';
import {
  AnyLayer,
  DaemonDecl,
  FileKind,
  FsLayer,
  KAction,
  KState,
  Kernel,
  PageCache,
  Shrinker,
  Via,
} from '../kernel';
import { FrameSpec, Req, TaskRef, findFrame, popThrough, popTo, setFrameN, top, popWith } from '../core/task';

/** Frames of the caller of a read/write, outermost first (who issues the I/O). */
export function entryFrames(via: Via, op: 'read' | 'write'): FrameFn[] {
  if (via === 'loop') {
    // drivers/block/loop.c: loop_queue_work → lo_write_simple/lo_read_simple → vfs_iter_write/read
    return op === 'write'
      ? ['loop_queue_work', 'lo_write_simple', 'vfs_iter_write', 'do_iter_write', 'do_iter_readv_writev']
      : ['loop_queue_work', 'lo_read_simple', 'vfs_iter_read', 'do_iter_read', 'do_iter_readv_writev'];
  }
  if (via === 'nfsd') {
    // fs/nfsd/nfssvc.c: nfsd → svc_process → nfsd_dispatch → nfsd3_proc_write → fs/nfsd/vfs.c: nfsd_write →
    // nfsd_vfs_write → vfs_iter_write (the local filesystem's buffered write, in nfsd's context)
    return ['nfsd', 'svc_process', 'nfsd_dispatch', 'nfsd3_proc_write', 'nfsd_write', 'nfsd_vfs_write', 'vfs_iter_write', 'do_iter_write', 'do_iter_readv_writev'];
  }
  // fs/read_write.c: pwrite64/pread64 syscalls (fio psync engine, tcmu-runner's file handlers, nbd-server's
  // rawexpwrite/rawexpread, a FUSE daemon serving from a file)
  return op === 'write' ? ['ksys_pwrite64', 'vfs_write', 'new_sync_write'] : ['ksys_pread64', 'vfs_read', 'new_sync_read'];
}

export interface FsState {
  readonly pc: PageCache;
}

export abstract class FsBase {
  readonly kind = 'fs' as const;
  abstract readonly name: FsName;
  /** This layer's state variable. */
  readonly key: `L${number}`;
  constructor(
    protected readonly k: Kernel,
    readonly index: number,
    readonly label: string,
  ) {
    this.key = `L${index}`;
  }

  /** Frames from `<fs>_file_write_iter` down to the fs's write_begin (outermost first). */
  protected abstract writeFrames(): FrameFn[];
  /** Frames from `<fs>_file_read_iter` down to generic_file_read_iter's caller. */
  protected abstract readFrames(): FrameFn[];
  /** Whether write_begin passes AOP_FLAG_NOFS (→ FGP_NOFS in pagecache_get_page). */
  protected abstract writeBeginNofs(): boolean;
  /**
   * Whether ->readpages / ->readpage allocate their bio outside the mapping
   * mask: ext4_mpage_readpages uses bio_alloc(GFP_KERNEL); XFS (iomap_readpage_actor)
   * constrains its bio to the mapping mask (NOFS, or NOIO under loop), which
   * cannot reach a filesystem shrinker and is not modelled.
   */
  protected readBioUnconstrained(): boolean {
    return false;
  }
  /** ->readpages of readahead and ->readpage of no_cached_page, for the frames of the read bio. */
  protected readpagesFrames(): { readahead: FrameFn[]; readpage: FrameFn[] } {
    return { readahead: [], readpage: [] };
  }


  protected pcDomain(): Domain {
    const P = this.k.totalPages();
    return record({ clean: int(0, P), dirty: int(0, P), wb: int(0, P), locked: int(0, P) });
  }

  domain(): Domain {
    return record({ pc: this.pcDomain() });
  }

  init(): unknown {
    return { pc: { clean: 0, dirty: 0, wb: 0, locked: 0 } };
  }

  pages(k: KState): PageCache {
    return k[this.key].pc;
  }

  setPages(k: KState, pc: PageCache): KState {
    return this.k.setField(k, this.key, 'pc', pc);
  }

  daemons(): DaemonDecl[] {
    // fs/fs-writeback.c: one flusher (wb_workfn on the bdi_wq) per backing device
    return [{ role: 'flusher', name: `flush-${this.label}`, layer: this.index }];
  }

  shrinkers(): Shrinker[] {
    return [];
  }

  /** Registers the allocation continuations of the page-cache paths. */
  register(): void {
    this.k.onAllocDone('pagecache_get_page', (k, t, ok) => this.afterWriteAlloc(k, t, ok));
    this.k.onAllocDone('__page_cache_alloc', (k, t, ok) => this.afterReadAlloc(k, t, ok));
    this.k.onAllocDone('mempool_alloc', (k, t, ok) => this.afterBioAlloc(k, t, ok));
  }

  /** The filesystem a page-cache frame on t's stack acts on (each fs registers the same continuation; dispatch on `at`). */
  private fsOf(k: KState, t: TaskRef): FsBase {
    const f = top(this.k.task(k, t))!;
    return this.k.layers[f.at] as unknown as FsBase;
  }

  startIo(k: KState, t: TaskRef, op: 'read' | 'write', via: Via, file: FileKind): KState {
    const at = this.index;
    const frames = this.ioFrames(op, via, file);
    if (op === 'write') {
      // generic_perform_write → ->write_begin → grab_cache_page_write_begin → pagecache_get_page
      let k2 = this.k.pushFrames(k, t, frames);
      // pagecache_get_page: gfp = mapping_gfp_mask; |= __GFP_WRITE (mapping_cap_account_dirty); FGP_NOFS clears __GFP_FS
      const flags = this.k.task(k2, t).flags;
      const gfp = this.k.effectiveGfp(flags, {
        mapping: { fs: at, file },
        add: __GFP_WRITE,
        clear: this.writeBeginNofs() ? __GFP_FS : 0,
      });
      const r = this.k.startAlloc(k2, t, gfp, at);
      k2 = r.k;
      return r.ok ? this.afterWriteAlloc(k2, t, true) : k2;
    }
    return this.readAlloc(this.k.pushFrames(k, t, frames), t, 0, file);
  }

  /**
   * The frames startIo pushes for (op, via, file): the entry frames of `via`,
   * then for a write the fs's write path down to pagecache_get_page, for a read
   * its read path down to __page_cache_alloc. They depend only on these and
   * the layer, so each list is built once.
   */
  private ioFrames(op: 'read' | 'write', via: Via, file: FileKind): readonly FrameSpec[] {
    const key = `${op}|${via}|${file}`;
    let frames = this.ioFrameCache.get(key);
    if (frames !== undefined) return frames;
    const at = this.index;
    const entry = entryFrames(via, op).map((fn): FrameSpec => ({ fn, at }));
    if (op === 'write') {
      frames = [
        ...entry,
        ...this.writeFrames().map((fn): FrameSpec => ({ fn, at })),
        { fn: 'grab_cache_page_write_begin', at },
        { fn: 'pagecache_get_page', at, n: file === 'loop-backing' ? 1 : 0 },
      ];
    } else {
      // generic_file_buffered_read → page_cache_sync_readahead → __do_page_cache_readahead → __page_cache_alloc(readahead_gfp_mask)
      frames = [
        ...entry,
        ...this.readFrames().map((fn): FrameSpec => ({ fn, at })),
        { fn: 'generic_file_read_iter', at },
        { fn: 'generic_file_buffered_read', at, n: file === 'loop-backing' ? 1 : 0 },
        { fn: 'page_cache_sync_readahead', at },
        { fn: 'ondemand_readahead', at },
        { fn: '__do_page_cache_readahead', at },
        { fn: '__page_cache_alloc', at, n: 0 },
      ];
    }
    frames = Object.freeze(frames.map((f) => Object.freeze(f)));
    this.ioFrameCache.set(key, frames);
    return frames;
  }

  private readonly ioFrameCache = new Map<string, readonly FrameSpec[]>();

  private readAlloc(k: KState, t: TaskRef, attempt: 0 | 1, file: FileKind): KState {
    const flags = this.k.task(k, t).flags;
    // readahead_gfp_mask(mapping) = mapping mask | __GFP_NORETRY | __GFP_NOWARN; no_cached_page: page_cache_alloc(mapping)
    const gfp: Gfp = this.k.effectiveGfp(flags, {
      mapping: { fs: this.index, file },
      add: attempt === 0 ? __GFP_NORETRY | __GFP_NOWARN : 0,
    });
    const r = this.k.startAlloc(k, t, gfp, this.index);
    return r.ok ? this.afterReadAlloc(r.k, t, true) : r.k;
  }

  /** write_begin got (or failed to get) its page: copy, write_end (page dirty), return from the syscall. */
  private afterWriteAlloc(k: KState, t: TaskRef, ok: boolean): KState {
    const me = this.fsOf(k, t);
    if (me !== this) return me.afterWriteAlloc(k, t, ok);
    let k2 = k;
    if (!ok) return this.k.syscallDone(this.popSyscall(k2, t), t, false);
    const pc = this.pages(k2);
    k2 = this.setPages(k2, { ...pc, dirty: pc.dirty + 1 }); // generic_write_end → set_page_dirty
    // generic_perform_write / iomap_write_actor → balance_dirty_pages_ratelimited → balance_dirty_pages
    if (this.k.dirtyThrottled(k2, this.index, this.k.task(k2, t).flags)) {
      k2 = this.k.updTask(k2, t, (v) => popTo(v, this.writeLoopFrame()));
      return this.k.pushFrames(k2, t, [
        { fn: 'balance_dirty_pages_ratelimited', at: this.index },
        { fn: 'balance_dirty_pages', at: this.index },
        { fn: 'io_schedule_timeout', at: this.index },
      ]);
    }
    return this.k.syscallDone(this.popSyscall(k2, t), t, true);
  }

  /** The frame that calls balance_dirty_pages_ratelimited after each page. */
  protected abstract writeLoopFrame(): FrameFn;

  /** Readahead (or no_cached_page) got its page: add to page cache locked, submit the read, wait for it. */
  private afterReadAlloc(k: KState, t: TaskRef, ok: boolean): KState {
    const me = this.fsOf(k, t);
    if (me !== this) return me.afterReadAlloc(k, t, ok);
    const v = this.k.task(k, t);
    const attempt = top(v)!.n;
    const file: FileKind = v.stack[findFrame(v, 'generic_file_buffered_read')].n === 1 ? 'loop-backing' : 'regular';
    if (!ok) {
      if (attempt === 1) return this.k.syscallDone(this.popSyscall(k, t), t, false);
      // readahead failed (__GFP_NORETRY): generic_file_buffered_read no_cached_page → page_cache_alloc(mapping)
      const k2 = this.k.updTask(k, t, (x) => popTo(x, 'generic_file_buffered_read'));
      return this.readAlloc(this.k.pushFrames(k2, t, [{ fn: '__page_cache_alloc', at: this.index, n: 1 }]), t, 1, file);
    }
    const pc = this.pages(k);
    const k2 = this.setPages(k, { ...pc, locked: pc.locked + 1 }); // add_to_page_cache_lru (locked, !uptodate)
    if (this.readBioRoute(k2, t)) {
      // read_pages → ext4_readpages → ext4_mpage_readpages (readahead), or ext4_readpage → ext4_mpage_readpages
      // (no_cached_page): the bio allocation is the next step (mempool_alloc, see readBio)
      const fr = this.readpagesFrames();
      const k3 = attempt === 0 ? this.k.updTask(k2, t, (x) => popTo(x, '__do_page_cache_readahead')) : this.k.updTask(k2, t, (x) => popTo(x, 'generic_file_buffered_read'));
      return this.k.pushFrames(k3, t, (attempt === 0 ? fr.readahead : fr.readpage).map((fn) => ({ fn, at: this.index })));
    }
    return this.submitRead(k2, t);
  }

  /**
   * Is the read bio allocation of task t a step of its own? Only when it can
   * matter: the filesystem allocates it outside the mapping mask (ext4), no
   * page is free (else mempool_alloc's first, non-reclaiming attempt takes
   * one), and the route of the reader's role is on (tcmu-runner: daemon_alloc;
   * loop worker: loop_alloc; an application always).
   */
  private readBioRoute(k: KState, t: TaskRef): boolean {
    if (!this.readBioUnconstrained() || k.mm.free > 0) return false;
    const role = this.k.role(t);
    if (role === 'tcmu-runner') return this.k.bounds.daemonAlloc;
    if (role === 'loop-worker') return this.k.bounds.loopAlloc;
    if (role === 'nbd-server' || role === 'fuse-daemon') return this.k.bounds.daemonAlloc; // issue 11: as tcmu-runner
    if (role === 'nfsd') return this.k.bounds.daemonAlloc;
    return true;
  }

  /**
   * ext4_mpage_readpages → bio_alloc(GFP_KERNEL) → bio_alloc_bioset →
   * mempool_alloc ([5.2.1] mm/mempool.c): a first attempt without direct
   * reclaim (no page is free: it fails), then an element of the bio pool if
   * one is left (`empty` false); with the pool empty, the allocation again
   * with the caller's mask plus __GFP_NOMEMALLOC | __GFP_NORETRY | __GFP_NOWARN
   * — a direct reclaim round with __GFP_FS unless the task's scope clears it.
   * Whether the pool is empty is not modelled (a choice). If that round fails,
   * mempool_alloc waits at most 5 s for an element (io_schedule_timeout(5*HZ));
   * ext4's read bios complete on the disk, so the model continues with one.
   * The page of a successful allocation is not kept (a bio is a small slab
   * object): only the reclaim it may run is modelled.
   */
  readBio(k: KState, t: TaskRef, empty: boolean): KState | undefined {
    const v = this.k.task(k, t);
    const f = top(v);
    if (!f || f.fn !== 'ext4_mpage_readpages' || f.at !== this.index || f.n !== 0) return undefined;
    if (!empty) return this.submitRead(k, t);
    const k2 = this.k.pushFrames(this.k.updTask(k, t, (x) => setFrameN(x, x.sp - 1, 1)), t, [
      { fn: 'bio_alloc_bioset', at: this.index },
      { fn: 'mempool_alloc', at: this.index },
    ]);
    const gfp = this.k.effectiveGfp(this.k.task(k2, t).flags, {
      req: this.k.siteGfp('ext4_mpage_readpages_bio') | __GFP_NOMEMALLOC | __GFP_NORETRY | __GFP_NOWARN,
    });
    const r = this.k.startAlloc(k2, t, gfp, this.index);
    return r.ok ? this.afterBioAlloc(r.k, t, true) : r.k;
  }

  /** The bio's allocation returned (its page is not kept; on failure a pool element comes back within 5 s): submit. */
  protected afterBioAlloc(k: KState, t: TaskRef, ok: boolean): KState {
    const me = this.fsOf(k, t);
    if (me !== this) return me.afterBioAlloc(k, t, ok);
    const k2 = ok ? this.k.freePage(k) : k;
    return this.submitRead(k2, t);
  }

  /** ->readpages / ->readpage → submit_bio in this task's context (e.g. dmz_map runs here), then wait_on_page_locked_killable. */
  private submitRead(k: KState, t: TaskRef): KState {
    let k2 = this.k.updTask(k, t, (x) => popTo(x, 'generic_file_buffered_read'));
    k2 = this.k.below(this.index).submit(k2, this.k.newReq(k2, t, 'read', 'page', this.index, t), t);
    // generic_file_buffered_read: !PageUptodate → wait_on_page_locked_killable
    return this.k.pushFrames(k2, t, [
      { fn: 'wait_on_page_locked_killable', at: this.index },
      { fn: 'io_schedule', at: this.index },
    ]);
  }

  /**
   * The frames of the write path down to the copy from the user buffer
   * (generic_perform_write / iomap_write_actor → iov_iter_fault_in_readable),
   * for a fault on the source buffer before ->write_begin.
   */
  faultInFrames(): FrameFn[] {
    const w = this.writeFrames();
    return [...entryFrames('tcmu', 'write'), ...w.slice(0, w.indexOf(this.writeLoopFrame()) + 1), 'iov_iter_fault_in_readable'];
  }

  /** Pops the whole read/write call chain (down to the entry frame). */
  private popSyscall(k: KState, t: TaskRef): KState {
    return this.k.updTask(k, t, (v) => {
      for (const fn of ['ksys_pwrite64', 'ksys_pread64', 'loop_queue_work', 'nfsd'] as FrameFn[]) {
        if (findFrame(v, fn) >= 0) return popThrough(v, fn);
      }
      throw new Error('no syscall entry frame');
    });
  }

  endIo(k: KState, req: Req): KState {
    const pc = this.pages(k);
    if (req.src === 'page' && req.op === 'write') {
      return this.setPages(k, { ...pc, wb: pc.wb - 1, clean: pc.clean + 1 }); // end_page_writeback
    }
    if (req.src === 'page' && req.op === 'read') {
      // ->readpage end_io: SetPageUptodate + unlock_page → wakes the reader
      return this.k.wakeWaiter(this.setPages(k, { ...pc, locked: pc.locked - 1, clean: pc.clean + 1 }), req);
    }
    return this.k.wakeWaiter(k, req);
  }

  fileClosed(k: KState, _op: 'read' | 'write', _t?: TaskRef): KState {
    return k;
  }

  /** One writeback step of the flusher t (wb_workfn → … → ->writepages → submit_bio): a dirty page goes under writeback. */
  protected writeback(k: KState, t: TaskRef): KState | undefined {
    const pc = this.pages(k);
    if (pc.dirty === 0 || this.k.task(k, t).sp !== 0) return undefined;
    return this.submitWriteback(k, t);
  }

  /** clear_page_dirty_for_io, set_page_writeback, submit_bio in the flusher's context. */
  protected submitWriteback(k: KState, t: TaskRef): KState {
    const pc = this.pages(k);
    const k2 = this.setPages(k, { ...pc, dirty: pc.dirty - 1, wb: pc.wb + 1 });
    return this.k.below(this.index).submit(k2, this.k.newReq(k2, t, 'write', 'page', this.index, null), t);
  }

  actions(): KAction[] {
    const flusher = this.k.daemonsOf('flusher', this.index)[0];
    // generic_file_buffered_read: the page became uptodate and unlocked; copy it out and return
    const readDone = this.k.sleeperAction(`wait_on_page_locked_killable(${this.label})`, 'io_schedule', this.index, (_k, v) => v.ioDone, (k, t) => {
      const k2 = this.k.updTask(k, t, (x) => popWith(x, 2, x.cmd, false));
      return this.k.syscallDone(this.popSyscall(k2, t), t, true);
    });
    const writeback: KAction<TaskRef> = {
      // fs/fs-writeback.c: wb_workfn → writeback_sb_inodes → do_writepages → ->writepages → submit_bio
      name: `wb_workfn(${this.label})`,
      params: [flusher],
      formatParam: (t) => this.k.taskName(t),
      // every writeback() (this one and the XFS, NFS and FUSE overrides) starts from an idle flusher (sp 0)
      when: { task: (t) => t, frames: ['-'] },
      next: (k, t) => this.writeback(k, t),
    };
    // balance_dirty_pages: loop of io_schedule_timeout(pause) until global dirty is below the hard
    // limit or this wb is (nearly) clean; each wake-up that changes nothing is a stutter, so the
    // task is modelled as blocked until one of the two holds
    const throttleDone = this.k.sleeperAction(
      `balance_dirty_pages(${this.label})`,
      'io_schedule_timeout',
      this.index,
      (k, v) => !this.k.dirtyThrottled(k, this.index, v.flags),
      (k, t) => this.k.syscallDone(this.popSyscall(k, t), t, true),
    );
    const readBio: KAction<{ t: TaskRef; empty: boolean }> | null = this.readBioUnconstrained()
      ? {
          // ext4_mpage_readpages: bio_alloc(GFP_KERNEL) from the bio mempool; `empty`: no element left
          name: `ext4_mpage_readpages(${this.label})`,
          params: this.k.allTasks().flatMap((t) => [false, true].map((empty) => ({ t, empty }))),
          formatParam: (x) => `${this.k.taskName(x.t)}${x.empty ? ', bio mempool empty: bio_alloc reclaims' : ''}`,
          when: { task: (x) => x.t, frames: ['ext4_mpage_readpages'] },
          next: (k, x) => this.readBio(k, x.t, x.empty),
        }
      : null;
    return [writeback, readDone, throttleDone, ...(readBio ? [readBio] : [])];
  }

  format(k: KState): Record<string, unknown> {
    const pc = this.pages(k);
    return { clean: pc.clean, dirty: pc.dirty, writeback: pc.wb, locked: pc.locked };
  }
}

export type FsLayerImpl = FsBase & AnyLayer & FsLayer;
