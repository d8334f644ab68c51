/**
 * Dirty-page accounting and dirty throttling ([5.2.1] mm/page-writeback.c).
 *
 * @module
 */
import { BlockKernel } from '../block/bio';
import { KState } from '../core/kernel';
import type { FsLayer } from '../core/layer';
import { PF_LESS_THROTTLE, PF_LOCAL_THROTTLE } from '../core/task';

/** balance_dirty_pages and the global dirty counters. */
export class WritebackKernel extends BlockKernel {
  /** Global NR_FILE_DIRTY + NR_WRITEBACK (mm/page-writeback.c: balance_dirty_pages, global domain). */
  globalDirty(k: KState): number {
    return this.fsList().reduce((s, f) => s + f.pages(k).dirty + f.pages(k).wb, 0);
  }

  /** File LRU pages of every filesystem (clean, dirty, under writeback, locked for read). */
  fileLru(k: KState): number {
    return this.fsList().reduce((s, f) => {
      const pc = f.pages(k);
      return s + pc.clean + pc.dirty + pc.wb + pc.locked;
    }, 0);
  }

  /**
   * [5.2.1] mm/page-writeback.c: global_dirtyable_memory — free pages above the
   * reserves plus the file LRU, plus 1 ("avoid zero"): A = free + file LRU + 1.
   * The model's `free` is already above the min watermark (its `reserve` is
   * totalreserve_pages); anonymous memory, slab and the XFS buffer page are
   * not dirtyable.
   */
  dirtyable(k: KState): number {
    return k.mm.free + this.fileLru(k) + 1;
  }

  /**
   * [5.2.1] mm/page-writeback.c: domain_dirty_limits (global domain, no memcg),
   * in pages, for a task with `taskFlags`:
   * - ratio form (`dirtyRatio` > 0): r' = floor(dirty_ratio·4096/100),
   *   T = floor(r'·A/4096), Bg likewise with dirty_background_ratio, every
   *   division rounding down; if Bg >= T then Bg = floor(T/2);
   * - page form (`dirtyRatio` = 0, the vm.dirty_bytes analogue): T = `dirtyLimit`,
   *   Bg = floor(T/2) (no background threshold is configured);
   * - PF_LESS_THROTTLE (5.2; RT-only from 5.8): T += floor(T/4) + floor(DL/32),
   *   Bg likewise, with DL = global_wb_domain.dirty_limit taken at its steady
   *   value T (update_dirty_limit follows T).
   * The hard limit H of balance_dirty_pages is max(T, DL) = T.
   */
  dirtyThresholds(k: KState, taskFlags = 0): { thresh: number; bg: number } {
    let thresh: number;
    let bg: number;
    if (this.bounds.dirtyRatio > 0) {
      const A = this.dirtyable(k);
      const r = Math.floor((this.bounds.dirtyRatio * 4096) / 100);
      const b = Math.floor((this.bounds.backgroundRatio * 4096) / 100);
      thresh = Math.floor((r * A) / 4096);
      bg = Math.floor((b * A) / 4096);
      if (bg >= thresh) bg = Math.floor(thresh / 2);
    } else {
      thresh = this.bounds.dirtyLimit;
      bg = Math.floor(thresh / 2);
    }
    if (taskFlags & PF_LESS_THROTTLE) {
      const dl = thresh;
      thresh += Math.floor(thresh / 4) + Math.floor(dl / 32);
      bg += Math.floor(bg / 4) + Math.floor(dl / 32);
    }
    return { thresh, bg };
  }

  /**
   * [5.2.1] mm/page-writeback.c: balance_dirty_pages keeps a writer sleeping
   * while global dirty G >= the hard limit H (pos_ratio = 0, task_ratelimit =
   * 0: the `for (;;)` loop of max_pause sleeps) unless its own wb is (nearly)
   * clean (wb_dirty <= wb_stat_error(); the model takes E = 0: no dirty or
   * writeback page of that filesystem, the worst case of
   * kernel-semantics-stacks.md §7.5). Below H (free run, or the soft zone's
   * single bounded pause) the writer goes on. With the page form and
   * `dirtyLimit` = 0 there is no dirty throttling.
   *
   * PF_LOCAL_THROTTLE ([5.10.7] balance_dirty_pages, a37b0715ddf3, 5.8): a
   * task with the flag is free-running while its own wb_dirty is below the wb's
   * free-run ceiling floor((wb_thresh + wb_bg_thresh)/2), whatever G is. With
   * the ratio form the model computes it as __wb_calc_thresh and
   * wb_dirty_limits do: wb_thresh = floor(T·wbShare/100) (min_ratio 0,
   * max_ratio 100), wb_bg_thresh = floor(wb_thresh·Bg/T). With the page form
   * that ceiling rounds to 0 at the model's sizes and the flag would never
   * apply; the page form keeps one limit's worth instead: free-running while
   * the own wb holds at most `dirtyLimit` dirty + writeback pages.
   */
  dirtyThrottled(k: KState, fs: number, taskFlags = 0): boolean {
    if (this.bounds.dirtyRatio === 0 && this.bounds.dirtyLimit === 0) return false;
    const pc = (this.layers[fs] as unknown as FsLayer).pages(k);
    // issue 11: FUSE's temporary pages count in its wb's WB_WRITEBACK (not in global NR_WRITEBACK: NR_WRITEBACK_TEMP)
    const layer = this.layers[fs] as unknown as { wbWritebackTemp?: (k: KState) => number; strictlimitHeld?: (k: KState, own: number) => boolean };
    const own = pc.dirty + pc.wb + (layer.wbWritebackTemp?.(k) ?? 0);
    // issue 11: a BDI_CAP_STRICTLIMIT wb (FUSE) is also held on its own numbers (models/fs/fuse.ts)
    if (layer.strictlimitHeld?.(k, own)) return true;
    if (taskFlags & PF_LOCAL_THROTTLE) {
      if (this.bounds.dirtyRatio === 0) {
        if (own <= this.bounds.dirtyLimit) return false;
      } else {
        const { thresh, bg } = this.dirtyThresholds(k, taskFlags);
        const wbThresh = Math.floor((thresh * this.bounds.wbShare) / 100);
        const wbBg = thresh > 0 ? Math.floor((wbThresh * bg) / thresh) : 0;
        if (own < Math.floor((wbThresh + wbBg) / 2)) return false;
      }
    }
    return this.globalDirty(k) >= this.dirtyThresholds(k, taskFlags).thresh && own > 0;
  }
}
