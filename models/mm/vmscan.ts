/**
 * Reclaim ([5.2.1] mm/vmscan.c): direct reclaim (try_to_free_pages →
 * do_try_to_free_pages → shrink_node), shrink_slab, throttle_direct_reclaim
 * and kswapd (wakeup_kswapd, balance_pgdat).
 *
 * @module
 */
import { Bounds, KState } from '../core/kernel';
import type { ScopeIndex } from '../core/kernel';
import { KernelConfig } from '../core/config';
import type { FsLayer } from '../core/layer';
import { FrameSpec, PF_KTHREAD, PF_MEMALLOC, Task, TaskRef, findFrame, pop, popTo, setFrameN, top } from '../core/task';
import { Gfp, GFP_KERNEL, __GFP_FS, __GFP_KSWAPD_RECLAIM } from './gfp';
import { WritebackKernel } from './page-writeback';

/** The frames of a reclaim pass: do_try_to_free_pages → shrink_node → shrink_slab (no shrinker run yet). */
const RECLAIM_FRAMES: readonly FrameSpec[] = Object.freeze([
  Object.freeze({ fn: 'do_try_to_free_pages' as const }),
  Object.freeze({ fn: 'shrink_node' as const }),
  Object.freeze({ fn: 'shrink_slab' as const, n: 0 }),
]);

/** Direct reclaim, shrinkers and kswapd; the allocator (mm/page_alloc.ts) completes it. */
export abstract class ReclaimKernel extends WritebackKernel {
  /** pfmemalloc_reserve / 2 of allow_direct_reclaim, in pages: floor(min watermark / 2). */
  protected readonly halfMin: number;

  constructor(cfg: KernelConfig, bounds: Bounds, workload: 'write' | 'read', scopes?: ScopeIndex) {
    super(cfg, bounds, workload, scopes);
    this.halfMin = (bounds.reserve - (bounds.reserve % 2)) / 2;
  }

  /** A page returns to the allocator (mm/page_alloc.ts). */
  abstract freePage(k: KState): KState;

  /** Pops the allocation frames and runs the caller's continuation (mm/page_alloc.ts). */
  protected abstract allocDone(k: KState, t: TaskRef, ok: boolean): KState;

  anyClean(k: KState): boolean {
    // loops rather than some(): no closure per call (these run several times per state)
    const fs = this.fsList();
    for (let i = 0; i < fs.length; i++) if (fs[i].pages(k).clean > 0) return true;
    return false;
  }

  /** Could a direct reclaim pass with this mask change anything (free a page, scan or block in a shrinker)? */
  reclaimCouldProgress(k: KState, gfp: Gfp): boolean {
    if (this.anyClean(k)) return true;
    const list = this.shrinkerList;
    for (let i = 0; i < list.length; i++) if (list[i].hasWork(k, gfp)) return true;
    return false;
  }

  /** The LRU choice of a reclaim pass must be a filesystem with a clean page, or -1 when there is none. */
  protected validLru(k: KState, lru: number): boolean {
    return lru === -1 ? !this.anyClean(k) : this.layers[lru]?.kind === 'fs' && (this.layers[lru] as FsLayer).pages(k).clean > 0;
  }

  /**
   * [5.2.1] mm/vmscan.c: allow_direct_reclaim — true when the free pages of the
   * node exceed half of the min watermarks (model: free + reserve pages >
   * floor(reserve bound / 2)), or kswapd has given up (kswapd_failures >=
   * MAX_RECLAIM_RETRIES; the model's kswapd goes back to sleep exactly when it is
   * balanced or can change nothing, so a sleeping kswapd means "allowed").
   * Without a modelled kswapd there is no throttling.
   */
  allowDirectReclaim(k: KState): boolean {
    const ks = this.kswapdTask();
    if (!ks || this.task(k, ks).sp === 0) return true;
    return k.mm.free + k.mm.reserve > this.halfMin;
  }

  /**
   * [5.2.1] mm/vmscan.c: throttle_direct_reclaim — kernel threads (PF_KTHREAD)
   * are never throttled; otherwise, when allow_direct_reclaim() is false, a
   * caller without __GFP_FS sleeps at most HZ
   * (wait_event_interruptible_timeout → `schedule_timeout`), a caller with
   * __GFP_FS sleeps killable and unbounded until kswapd wakes pfmemalloc_wait
   * with the condition true (wait_event_killable → `schedule`). Returns the
   * sleep frame, or null when the task is not throttled.
   */
  throttleKind(k: KState, v: Task, gfp: Gfp): 'schedule' | 'schedule_timeout' | null {
    if (v.flags & PF_KTHREAD || this.allowDirectReclaim(k)) return null;
    return gfp & __GFP_FS ? 'schedule' : 'schedule_timeout';
  }

  /**
   * May a task sleeping in throttle_direct_reclaim go on? The unbounded
   * (__GFP_FS) sleep ends only when kswapd wakes pfmemalloc_wait: at the top of
   * a balance_pgdat iteration when allow_direct_reclaim() holds, or when it
   * goes back to sleep (prepare_kswapd_sleep wakes every waiter; the model's
   * kswapd sleeps only when balanced or hopeless, where the condition holds).
   * A kswapd blocked inside a shrinker wakes nobody. The bounded sleep ends by
   * its timeout in any case.
   */
  throttleReleased(k: KState, sleep: 'schedule' | 'schedule_timeout'): boolean {
    if (sleep === 'schedule_timeout') return true;
    const ks = this.kswapdTask();
    if (!ks) return true;
    const kv = this.task(k, ks);
    if (kv.sp === 0) return true;
    return top(kv)!.fn === 'balance_pgdat' && this.allowDirectReclaim(k);
  }

  /**
   * The step of a task sleeping in throttle_direct_reclaim: when released,
   * try_to_free_pages goes on into do_try_to_free_pages (LRU choice `lru`).
   */
  throttleStep(k: KState, t: TaskRef, lru: number): KState | undefined {
    const v = this.task(k, t);
    const f = top(v);
    if (!f || (f.fn !== 'schedule' && f.fn !== 'schedule_timeout') || v.stack[v.sp - 2]?.fn !== 'throttle_direct_reclaim') return undefined;
    if (!this.throttleReleased(k, f.fn)) return undefined;
    if (!this.validLru(k, lru)) return undefined;
    // pop the sleep and throttle_direct_reclaim, then reclaimPass's frames, as one copy of the task
    const gfp = v.stack[v.sp - 3].gfp; // try_to_free_pages's sc.gfp_mask
    return this.shrinkNode(this.popPushFrames(k, t, 2, RECLAIM_FRAMES), t, gfp, lru);
  }

  /**
   * [5.2.1] mm/vmscan.c: wakeup_kswapd — wakes a sleeping kswapd when the
   * request has __GFP_KSWAPD_RECLAIM and the node is not balanced (here: no
   * free page). kswapd then runs balance_pgdat.
   */
  wakeKswapd(k: KState, gfp: Gfp): KState {
    if ((gfp & __GFP_KSWAPD_RECLAIM) === 0 || k.mm.free > 0) return k;
    return this.wakeKswapdTask(k);
  }

  /** Wakes kswapd if it sleeps (wake_up_interruptible(&pgdat->kswapd_wait)). */
  wakeKswapdTask(k: KState): KState {
    const kt = this.kswapdTask();
    if (!kt || this.task(k, kt).sp !== 0) return k;
    return this.pushFrames(k, kt, [
      { fn: 'kswapd', at: 0 },
      { fn: 'balance_pgdat', at: 0, gfp: GFP_KERNEL },
    ]);
  }

  /**
   * One step of kswapd ([5.2.1] mm/vmscan.c: kswapd → balance_pgdat): when the
   * node is balanced (a free page) or reclaim can change nothing, it goes back
   * to sleep (kswapd_try_to_sleep; repeated failures make it "hopeless");
   * otherwise one pass of kswapd_shrink_node → shrink_node with
   * sc.gfp_mask = GFP_KERNEL under its permanent PF_MEMALLOC: one clean LRU
   * page (choice `lru`) and every shrinker — with __GFP_FS, so XFS inode
   * reclaim can block kswapd in xfs_buf_iowait.
   */
  kswapdStep(k: KState, t: TaskRef, lru: number): KState | undefined {
    const v = this.task(k, t);
    const f = top(v);
    if (!f || f.fn !== 'balance_pgdat') return undefined;
    const sleep = k.mm.free > 0 || !this.reclaimCouldProgress(k, GFP_KERNEL);
    if (sleep) return lru === -1 ? this.updTask(k, t, (x) => pop(x, x.sp)) : undefined;
    if (!this.validLru(k, lru)) return undefined;
    const k2 = this.pushFrames(k, t, [{ fn: 'kswapd_shrink_node' }, { fn: 'shrink_node' }, { fn: 'shrink_slab', n: 0 }]);
    return this.shrinkNode(k2, t, GFP_KERNEL, lru);
  }

  /**
   * shrink_node: shrink_node_memcg frees one clean page-cache page from the LRU
   * (choice `lru`, -1: none), then shrink_slab runs every shrinker. When a page
   * was freed and a shrinker would allocate (XFS reading an uncached cluster
   * buffer under PF_MEMALLOC), shrink_slab is a step of its own: between the
   * two, other tasks may take the freed page (the freelist is shared), and the
   * shrinker's allocation then dips into the reserves. Otherwise the pass is one
   * step: the freed page is then only a count that the shrinkers do not read.
   */
  protected shrinkNode(k: KState, t: TaskRef, gfp: Gfp, lru: number): KState {
    if (lru < 0) return this.runShrinkers(k, t, gfp, 0);
    const fs = this.layers[lru] as FsLayer;
    const pc = fs.pages(k);
    const k2 = this.freePage(fs.setPages(k, { ...pc, clean: pc.clean - 1 }));
    const list = this.shrinkerList;
    for (let i = 0; i < list.length; i++) if (list[i].allocates?.(k2, gfp)) return k2; // shrink_slab is the next step (shrinkSlabStep)
    return this.runShrinkers(k2, t, gfp, 0);
  }

  /** The shrink_slab step of a pass split by shrinkNode (top frame shrink_slab, no shrinker run yet). */
  shrinkSlabStep(k: KState, t: TaskRef): KState | undefined {
    const f = top(this.task(k, t));
    if (!f || f.fn !== 'shrink_slab' || f.n !== 0) return undefined;
    return this.shrinkSlabContinue(k, t);
  }

  /**
   * __alloc_pages_direct_reclaim → __perform_reclaim (sets PF_MEMALLOC via
   * memalloc_noreclaim_save) → try_to_free_pages (sc.gfp_mask =
   * current_gfp_context(gfp)) → do_try_to_free_pages → shrink_node:
   * - LRU: one clean, unmapped page-cache page is freed (shrink_page_list);
   *   dirty file pages are never written by direct reclaim and pages under
   *   writeback are skipped without waiting (global reclaim, §4.4);
   * - shrink_slab: every registered shrinker runs with sc.gfp_mask (§4.5).
   * The non-blocking part runs in one step; a shrinker that blocks leaves its
   * frames on the stack.
   */
  protected directReclaim(k: KState, t: TaskRef, gfp: Gfp, lru: number): KState {
    return this.shrinkNode(this.directReclaimFrames(k, t, gfp), t, gfp, lru);
  }

  /**
   * The part of directReclaim before the LRU choice: the slow path's retry
   * mark and the frames down to shrink_slab (try_to_free_pages with
   * PF_MEMALLOC, then reclaimPass's frames). The same for every LRU choice of
   * a state and task, so the slow path computes it once for them
   * (mm/page_alloc.ts: slowpath).
   */
  protected directReclaimFrames(k: KState, t: TaskRef, gfp: Gfp): KState {
    // the retry mark (setFrameN), try_to_free_pages and reclaimFrames's frames, as one copy of the task
    return this.popPushFrames(k, t, 0, [{ fn: 'try_to_free_pages', gfp, scope: PF_MEMALLOC }, ...RECLAIM_FRAMES], 1);
  }

  /** do_try_to_free_pages → shrink_node: one clean LRU page (choice `lru`) and every shrinker, under try_to_free_pages. */
  protected reclaimPass(k: KState, t: TaskRef, gfp: Gfp, lru: number): KState {
    return this.shrinkNode(this.reclaimFrames(k, t), t, gfp, lru);
  }

  /** The frames of a reclaim pass: do_try_to_free_pages → shrink_node → shrink_slab (no shrinker run yet). */
  protected reclaimFrames(k: KState, t: TaskRef): KState {
    return this.pushFrames(k, t, RECLAIM_FRAMES);
  }

  protected runShrinkers(k: KState, t: TaskRef, gfp: Gfp, from: number): KState {
    let k2 = k;
    for (let i = from; i < this.shrinkerList.length; i++) {
      const r = this.shrinkerList[i].scan(k2, t, gfp);
      k2 = r.k;
      if (r.blocked) {
        return this.updTask(k2, t, (v) => setFrameN(v, findFrame(v, 'shrink_slab'), i + 1));
      }
    }
    return this.finishReclaim(k2, t);
  }

  /** A blocking shrinker finished (its frames popped down to shrink_slab): run the remaining shrinkers. */
  shrinkSlabContinue(k: KState, t: TaskRef): KState {
    const v = this.task(k, t);
    const f = top(v);
    if (!f || f.fn !== 'shrink_slab') throw new Error(`shrinkSlabContinue with top frame ${f?.fn}`);
    const i = findFrame(v, 'try_to_free_pages');
    const gfp = i >= 0 ? v.stack[i].gfp : GFP_KERNEL; // direct reclaim's sc.gfp_mask, or kswapd's GFP_KERNEL
    return this.runShrinkers(k, t, gfp, f.n);
  }

  /** Reclaim returns to the slow path (PF_MEMALLOC restored); get_page_from_freelist once more. */
  protected finishReclaim(k: KState, t: TaskRef): KState {
    if (this.role(t) === 'kswapd') return this.updTask(k, t, (v) => popTo(v, 'balance_pgdat')); // next balance_pgdat step decides
    if (k.mm.free > 0) {
      // popTo(__alloc_pages_slowpath), then allocDone pops through the __alloc_pages_nodemask frame right
      // below it (startAlloc pushes the two together): allocDone's pop alone does both
      const v = this.task(k, t);
      const i = findFrame(v, '__alloc_pages_slowpath');
      if (i >= 1 && v.stack[i - 1].fn === '__alloc_pages_nodemask') return this.allocDone(this.setMm(k, k.mm.free - 1, k.mm.reserve), t, true);
    }
    const k2 = this.updTask(k, t, (v) => popTo(v, '__alloc_pages_slowpath'));
    if (k2.mm.free > 0) return this.allocDone(this.setMm(k2, k2.mm.free - 1, k2.mm.reserve), t, true);
    return k2;
  }
}
