/**
 * The page allocator ([5.2.1] mm/page_alloc.c): the effective mask of an
 * allocation, the fast path, __alloc_pages_slowpath, and freeing. `Kernel` is
 * the whole composition: core (tasks, frames) + block plumbing + dirty
 * throttling + reclaim + this allocator.
 *
 * @module
 */
import { AllocSite, KernelConfig, RouteAllocSite } from '../core/config';
import { Bounds, KState } from '../core/kernel';
import type { ScopeIndex } from '../core/kernel';
import type { FileKind } from '../core/layer';
import { PF_MEMALLOC, Task, TaskRef, findFrame, pop, top } from '../core/task';
import {
  Gfp,
  GFP_HIGHUSER_MOVABLE,
  __GFP_DIRECT_RECLAIM,
  __GFP_FS,
  __GFP_IO,
  __GFP_NOMEMALLOC,
  __GFP_NORETRY,
  currentGfpContext,
  gfpOf,
  parseGfp,
} from './gfp';
import { ReclaimKernel } from './vmscan';

/** The composed kernel (see models/kernel.ts for where each mechanism lives). */
export class Kernel extends ReclaimKernel {
  /**
   * The requested masks of the allocation sites, parsed on first use: the
   * config of a site this stack never allocates at is never read (`verify`'s
   * shared searches record what a model reads, specs/verify/share.ts: a fix
   * of tcmu's sites then shares a search on a stack without tcmu).
   */
  protected readonly siteMasks = new Map<AllocSite | RouteAllocSite, Gfp>();

  constructor(cfg: KernelConfig, bounds: Bounds, workload: 'write' | 'read', scopes?: ScopeIndex) {
    super(cfg, bounds, workload, scopes);
  }

  /** The requested mask of a configurable allocation site (KernelConfig.allocSites / allocMasks; allocMasks first, as both were merged before). */
  siteGfp(site: AllocSite | RouteAllocSite): Gfp {
    let m = this.siteMasks.get(site);
    if (m === undefined) {
      const own = (o: object): Readonly<Record<string, readonly string[] | string>> | undefined =>
        Object.prototype.hasOwnProperty.call(o, site) ? (o as Readonly<Record<string, readonly string[] | string>>) : undefined;
      const from = own(this.cfg.allocMasks) ?? own(this.cfg.allocSites);
      if (from === undefined) throw new Error(`no mask for allocation site ${site}`);
      const raw = from[site];
      m = typeof raw === 'string' ? parseGfp(raw) : parseGfp(raw.join('|'));
      this.siteMasks.set(site, m);
    }
    return m;
  }

  // ------------------------------------------------------------ GFP masks

  /** The mapping mask of a file in filesystem layer `fs` (inode_init_always, then the fs and loop narrow it). */
  mappingGfp(fs: number, file: FileKind): Gfp {
    // a function of the layer, whether the file is loop's backing file, and the config: computed once per pair
    const key = fs * 2 + (file === 'loop-backing' ? 1 : 0);
    let m = this.mappingMasks.get(key);
    if (m === undefined) {
      m = this.computeMappingGfp(fs, file);
      this.mappingMasks.set(key, m);
    }
    return m;
  }

  private readonly mappingMasks = new Map<number, Gfp>();

  private computeMappingGfp(fs: number, file: FileKind): Gfp {
    const l = this.layers[fs];
    if (l.kind !== 'fs') throw new Error(`layer ${fs} is not a filesystem`);
    let m = GFP_HIGHUSER_MOVABLE; // fs/inode.c: inode_init_always → mapping_set_gfp_mask(GFP_HIGHUSER_MOVABLE)
    m &= ~gfpOf(this.cfg.mappingClear[l.name] ?? []); // xfs_iops.c: xfs_setup_inode clears __GFP_FS (ext4: none)
    if (fs > 0) m &= ~gfpOf(this.cfg.lowerFsMappingClear); // proposed mount option (not in any kernel)
    if (file === 'loop-backing') m &= ~gfpOf(this.cfg.loopBackingClear); // loop.c: loop_set_fd
    return m;
  }

  /**
   * THE effective GFP mask of an allocation, computed in one place
   * (kernel-semantics.md §12.5 rule 1):
   *
   *   eff = current_gfp_context((req [& mapping mask] | add [| FS|IO for a fault]) & ~clear)
   *
   * - `mapping`: page-cache allocations take the mapping mask as their request
   *   (mm/filemap.c: pagecache_get_page, __page_cache_alloc, readahead_gfp_mask);
   * - `fault`: a page fault ORs __GFP_FS|__GFP_IO back in (mm/memory.c: __get_fault_gfp_mask);
   * - scope: include/linux/sched/mm.h: current_gfp_context — PF_MEMALLOC_NOIO
   *   clears IO|FS, else PF_MEMALLOC_NOFS clears FS; nothing else changes.
   */
  effectiveGfp(
    taskFlags: number,
    a: { req?: Gfp; mapping?: { fs: number; file: FileKind }; add?: Gfp; clear?: Gfp; fault?: boolean },
  ): Gfp {
    let g = a.mapping ? this.mappingGfp(a.mapping.fs, a.mapping.file) & (a.req ?? ~0) : (a.req ?? 0);
    if (a.fault && this.cfg.faultAddsFsIo) g |= __GFP_FS | __GFP_IO;
    g |= a.add ?? 0;
    g &= ~(a.clear ?? 0);
    return currentGfpContext(g, taskFlags);
  }

  // ------------------------------------------------------------ memory

  /**
   * Pages held outside the page cache from the start by the layers (the top
   * XFS's cached inode cluster buffer), set when the stack is composed.
   */
  heldAtStart = 0;

  /**
   * All the memory of the model: `pages` (free list and page cache above the
   * min watermark), the pages the layers hold from the start (the XFS buffer
   * page), the background process's anonymous pages, unreclaimable slab, and
   * the reserve below the min watermark.
   */
  totalPages(): number {
    return this.bounds.pages + this.heldAtStart + this.bounds.anonPages + this.bounds.slabPages + this.bounds.reserve;
  }

  /** A page returns to the allocator: refill the min-watermark reserve first, then the freelist. */
  freePage(k: KState): KState {
    const { free, reserve } = k.mm;
    return reserve < this.bounds.reserve ? this.setMm(k, free, reserve + 1) : this.setMm(k, free + 1, reserve);
  }

  /**
   * Starts a one-page allocation for task t under its current top frame.
   * Fast path ([5.2.1] __alloc_pages_nodemask → get_page_from_freelist): a free
   * page is taken at once and the caller continues in the same step
   * (`ok: true`). Otherwise the allocation frames are pushed and the task
   * continues in the slow path (`ok: false`); its continuation is the
   * AllocCont registered for the caller's frame.
   */
  startAlloc(k: KState, t: TaskRef, gfp: Gfp, at: number): { k: KState; ok: boolean } {
    if (k.mm.free > 0) return { k: this.setMm(k, k.mm.free - 1, k.mm.reserve), ok: true };
    const k2 = this.pushFrames(k, t, [
      { fn: '__alloc_pages_nodemask', at, gfp },
      { fn: '__alloc_pages_slowpath', at, n: 0 },
    ]);
    // __alloc_pages_slowpath: if (alloc_flags & ALLOC_KSWAPD) wake_all_kswapds(...)
    return { k: this.wakeKswapd(k2, gfp), ok: false };
  }

  /** Pops the allocation frames and runs the caller's continuation. */
  protected allocDone(k: KState, t: TaskRef, ok: boolean): KState {
    // popTo(__alloc_pages_nodemask) and pop(1), as one pop
    const k2 = this.updTask(k, t, (v) => {
      const i = findFrame(v, '__alloc_pages_nodemask');
      if (i < 0) throw new Error('no frame __alloc_pages_nodemask on the stack');
      return pop(v, v.sp - i);
    });
    const caller = top(this.task(k2, t));
    const cont = caller && this.allocConts.get(caller.fn);
    if (!cont) throw new Error(`no allocation continuation for frame ${caller?.fn}`);
    return cont(k2, t, ok);
  }

  /** The effective mask of the allocation task t is in (from its __alloc_pages_nodemask frame). */
  allocGfp(v: Task): Gfp {
    const i = findFrame(v, '__alloc_pages_nodemask');
    return i < 0 ? 0 : v.stack[i].gfp;
  }

  /**
   * [5.2.1] mm/page_alloc.c: __alloc_pages_may_oom → mm/oom_kill.c:
   * out_of_memory for an order-0 request that made no progress. Returns the
   * state after an OOM kill, or undefined when there is none:
   * - `if (oc->gfp_mask && !(oc->gfp_mask & __GFP_FS)) return true;` — a
   *   NOFS/NOIO request (by its mask or a scope) kills nothing;
   * - otherwise select_bad_process picks the victim with the largest badness:
   *   the model's only candidate is the background process holding `anon`
   *   pages (the stack's own tasks are not candidates, see docs/models/mm.md);
   *   oom_kill_process → the victim exits (or the OOM reaper unmaps it) and
   *   its anonymous pages return to the allocator (__free_pages refills the
   *   reserve first). With no victim left nothing happens (the kernel would
   *   panic "Out of memory and no killable processes").
   * The killing task then retries (did_some_progress) at its next step.
   */
  outOfMemory(k: KState, gfp: Gfp): KState | undefined {
    if ((gfp & __GFP_FS) === 0) return undefined;
    const anon = k.mm.anon ?? 0;
    if (anon === 0) return undefined;
    let k2: KState = this.setMm(k, k.mm.free, k.mm.reserve, 0);
    for (let i = 0; i < anon; i++) k2 = this.freePage(k2);
    return k2;
  }

  /**
   * One step of [5.2.1] mm/page_alloc.c: __alloc_pages_slowpath for task t whose
   * top frame is __alloc_pages_slowpath. `lru` is the filesystem whose clean
   * page LRU reclaim frees if this step enters direct reclaim (-1: none; the
   * choice abstracts LRU age order).
   */
  slowpath(k: KState, t: TaskRef, lru: number): KState | undefined {
    // One decision per state and task, shared by its LRU choices: everything up to the choice depends only on
    // (k, t), and states are never changed in place. A step that ends before direct reclaim has a successor
    // only for lru = -1; one that enters it shares the reclaim frames (see `slowMemo`).
    const m = this.slowMemo;
    if (m !== undefined && m.k === k && m.t === t) {
      if (m.k1 === undefined) {
        if (lru !== -1) return undefined;
      } else {
        if (!this.validLru(m.k1, lru)) return undefined;
        return this.shrinkNode(m.k3 ??= this.directReclaimFrames(m.k1, t, m.gfp), t, m.gfp, lru);
      }
    }
    const v = this.task(k, t);
    const f = top(v);
    if (!f || f.fn !== '__alloc_pages_slowpath') return undefined;
    const gfp = this.allocGfp(v);
    // (from here until direct reclaim, every outcome is for lru = -1 only)
    const memo: NonNullable<Kernel['slowMemo']> = { k, t, gfp, k1: undefined, k3: undefined };
    this.slowMemo = memo;
    // get_page_from_freelist at the min watermark
    if (k.mm.free > 0) {
      if (lru !== -1) return undefined;
      return this.allocDone(this.setMm(k, k.mm.free - 1, k.mm.reserve), t, true);
    }
    // no __GFP_DIRECT_RECLAIM: fail (GFP_NOWAIT / GFP_ATOMIC)
    if ((gfp & __GFP_DIRECT_RECLAIM) === 0) return lru === -1 ? this.allocDone(k, t, false) : undefined;
    // "Avoid recursion of direct reclaim": PF_MEMALLOC uses reserves (ALLOC_NO_WATERMARKS) unless
    // __GFP_NOMEMALLOC (__gfp_pfmemalloc_flags), else fails
    if (v.flags & PF_MEMALLOC) {
      if (lru !== -1) return undefined;
      if (k.mm.reserve > 0 && (gfp & __GFP_NOMEMALLOC) === 0) return this.allocDone(this.setMm(k, k.mm.free, k.mm.reserve - 1), t, true);
      return this.allocDone(k, t, false);
    }
    // __GFP_NORETRY: one reclaim round, then fail
    if (f.n >= 1 && gfp & __GFP_NORETRY) return lru === -1 ? this.allocDone(k, t, false) : undefined;
    // should_reclaim_retry: an order-0 request keeps retrying; when no reclaim
    // could change anything, __alloc_pages_may_oom → out_of_memory: with
    // __GFP_FS and a victim, the OOM kill frees the victim's memory and the
    // request retries; without __GFP_FS out_of_memory returns true without
    // killing ("The OOM killer does not compensate for IO-less reclaim") and the
    // task loops for ever: it is stuck waiting for memory (no step).
    if (f.n >= 1 && !this.reclaimCouldProgress(k, gfp)) return lru === -1 ? this.outOfMemory(k, gfp) : undefined;
    // retry: "wake kswapd again so it doesn't go to sleep as long as we loop"
    const k1 = f.n >= 1 ? this.wakeKswapd(k, gfp) : k;
    // __alloc_pages_direct_reclaim → __perform_reclaim (PF_MEMALLOC) → try_to_free_pages → throttle_direct_reclaim
    const throttle = this.throttleKind(k1, v, gfp);
    if (throttle !== null) {
      if (lru !== -1) return undefined;
      // the retry mark (setFrameN(sp - 1, 1)) and the frames, as one copy of the task
      const k2 = this.popPushFrames(k1, t, 0, [
        { fn: 'try_to_free_pages', gfp, scope: PF_MEMALLOC },
        { fn: 'throttle_direct_reclaim' },
        { fn: throttle },
      ], 1);
      // allow_direct_reclaim: "if (!wmark_ok && waitqueue_active(&pgdat->kswapd_wait)) wake_up_interruptible(&pgdat->kswapd_wait)"
      return this.wakeKswapdTask(k2);
    }
    // direct reclaim: the LRU choice decides from here on
    memo.k1 = k1;
    if (!this.validLru(k1, lru)) return undefined;
    memo.k3 = this.directReclaimFrames(k1, t, gfp);
    return this.shrinkNode(memo.k3, t, gfp, lru);
  }

  /**
   * The last slow-path decision: the state and task it was for, the
   * allocation's mask; when the task enters direct reclaim, the state it does
   * so from (`k1`, kswapd woken on a retry) and, once an LRU choice was valid,
   * the state with the reclaim frames pushed (`k3`); `k1` undefined: the step
   * ended before direct reclaim (a successor for lru = -1 only).
   */
  private slowMemo: { k: KState; t: TaskRef; gfp: Gfp; k1: KState | undefined; k3: KState | undefined } | undefined;
}
