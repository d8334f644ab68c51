/**
 * The superblock shrinker ([5.2.1] fs/super.c).
 *
 * @module
 */
import type { KState } from '../core/kernel';
import type { Shrinker } from '../core/layer';
import { TaskRef } from '../core/task';
import { Gfp, __GFP_FS } from '../mm/gfp';

/**
 * [5.2.1] fs/super.c: super_cache_scan wrapped as a shrinker: stops at once
 * without __GFP_FS ("Deadlock avoidance"), otherwise the filesystem's
 * free_cached_objects runs (XFS: xfs_fs_free_cached_objects →
 * xfs_reclaim_inodes_nr).
 */
export function superShrinker(
  fsName: string,
  layer: number,
  cached: (k: KState) => boolean,
  freeCached: (k: KState, t: TaskRef, gfp: Gfp) => { k: KState; blocked: boolean },
  allocates?: (k: KState) => boolean,
): Shrinker {
  return {
    name: `super_cache_scan(${fsName})`,
    layer,
    hasWork: (k, gfp) => (gfp & __GFP_FS) !== 0 && cached(k),
    allocates: (k, gfp) => (gfp & __GFP_FS) !== 0 && (allocates?.(k) ?? false),
    scan: (k, t, gfp) => {
      if ((gfp & __GFP_FS) === 0) return { k, blocked: false }; // SHRINK_STOP
      return freeCached(k, t, gfp);
    },
  };
}
