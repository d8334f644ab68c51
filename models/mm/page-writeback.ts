/**
 * Dirty-page accounting and dirty throttling ([5.2.1] mm/page-writeback.c).
 *
 * @module
 */
import { BlockKernel } from '../block/bio';
import { KState } from '../core/kernel';
import type { FsLayer } from '../core/layer';
import { PF_LOCAL_THROTTLE } from '../core/task';

/** balance_dirty_pages and the global dirty counters. */
export class WritebackKernel extends BlockKernel {
  /** Global NR_FILE_DIRTY + NR_WRITEBACK (mm/page-writeback.c: balance_dirty_pages, global domain). */
  globalDirty(k: KState): number {
    return this.fsList().reduce((s, f) => s + f.pages(k).dirty + f.pages(k).wb, 0);
  }

  /**
   * [5.2.1] mm/page-writeback.c: balance_dirty_pages keeps a writer sleeping
   * while global dirty >= the hard limit (pos_ratio = 0, task_ratelimit = 0)
   * unless its own wb is (nearly) clean (wb_dirty <= wb_stat_error(), here:
   * no dirty or writeback page of that filesystem). The PF_LESS_THROTTLE
   * bonus (+limit/4 + limit/32) rounds to zero at the model's page counts.
   *
   * PF_LOCAL_THROTTLE ([5.10.7] balance_dirty_pages, a37b0715ddf3, 5.8): a
   * task with the flag is free-running while its own wb is below the wb's
   * free-run ceiling, whatever global dirty is ("goto free_running"). The
   * kernel's ceiling is (wb_thresh + wb_bg_thresh) / 2, a fraction of the
   * limit proportional to the wb's share of recent writeout; at the model's
   * page counts that fraction rounds to 0 or to one limit's worth, and the
   * model takes one limit's worth: free-running while the own wb holds at most
   * `dirtyLimit` dirty + writeback pages (with 0 the flag would never apply).
   */
  dirtyThrottled(k: KState, fs: number, taskFlags = 0): boolean {
    if (this.bounds.dirtyLimit === 0) return false;
    const pc = (this.layers[fs] as unknown as FsLayer).pages(k);
    const own = pc.dirty + pc.wb;
    if (taskFlags & PF_LOCAL_THROTTLE && own <= this.bounds.dirtyLimit) return false;
    return this.globalDirty(k) >= this.bounds.dirtyLimit && own > 0;
  }
}
