/**
 * The composed kernel, and where each of its mechanisms lives (the layout of
 * the kernel's own source tree):
 *
 * | models/                    | kernel source                         | what                                                                 |
 * |----------------------------|---------------------------------------|----------------------------------------------------------------------|
 * | core/kernel.ts             | kernel/sched, include/linux/sched.h   | `KState`, `Bounds`, the task table, frames, continuations            |
 * | core/task.ts, core/frames.ts | include/linux/sched{,/mm}.h         | tasks, PF_* flags, memalloc scopes, frame names with their sources   |
 * | core/layer.ts              |                                       | the layer contracts (`FsLayer`, `BlockLayer`, `Shrinker`, ...)      |
 * | core/waitfor.ts            |                                       | the wait-for graph derived from a state                              |
 * | core/config.ts             |                                       | `KernelConfig`: the v5.2 defaults that fixes and profiles change     |
 * | block/bio.ts               | block/blk-core.c, block/bio.c         | submit_bio / bio_endio between layers                                |
 * | mm/gfp.ts                  | include/linux/gfp.h, sched/mm.h       | GFP bits, composites, `current_gfp_context`                          |
 * | mm/page-writeback.ts       | mm/page-writeback.c                   | dirty accounting, balance_dirty_pages                                |
 * | mm/vmscan.ts               | mm/vmscan.c                           | direct reclaim, shrink_slab, throttle_direct_reclaim, kswapd         |
 * | mm/page_alloc.ts           | mm/page_alloc.c                       | effective masks, fast path, __alloc_pages_slowpath; class `Kernel`   |
 * | fs/super.ts, fs/common.ts  | fs/super.c, mm/filemap.c, fs-writeback | the superblock shrinker; buffered read/write, the flusher           |
 * | fs/xfs.ts, fs/ext4.ts      | fs/xfs, fs/ext4                       | the filesystems                                                      |
 * | block/loop.ts, block/disk.ts, block/queue.ts | drivers/block/loop.c | loop, disks, the queue base class of block layers                   |
 * | drivers/target/tcmu.ts     | drivers/target (tcm_loop, target_core_user) | tcmu and tcmu-runner                                           |
 * | md/dm-zoned.ts             | drivers/md/dm-zoned-*.c               | dm-zoned                                                             |
 *
 * This module re-exports the composition and the contracts so that layers and
 * tests import them from one place.
 *
 * @module
 */
export { Kernel } from './mm/page_alloc';
export { KernelCore, withKey } from './core/kernel';
export type { KState, Bounds, AllocCont, PathBounds } from './core/kernel';
export type { PageCache, DaemonDecl, Shrinker, FileKind, Via, FsLayer, BlockLayer, AnyLayer, LockWait, FrameWait, KAction } from './core/layer';
export { currentGfpContext } from './mm/gfp';
export { superShrinker } from './fs/super';
export type { Frame } from './core/task';
