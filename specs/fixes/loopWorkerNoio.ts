/**
 * `loop-worker-noio`: PF_MEMALLOC_NOIO on the loop worker thread.
 *
 * Mikulas Patocka, "loop: set PF_MEMALLOC_NOIO for the worker thread"
 * (d0a255e795ab, applied by Jens Axboe on 2019-08-08, Linux 5.3): a loop
 * worker doing XFS direct I/O entered GFP_KERNEL reclaim and blocked on the
 * dm-bufio shrinker held by kswapd. In 5.2 the worker had only
 * PF_LESS_THROTTLE, and only its page-cache allocations on the backing file
 * were protected (by loop_set_fd's mapping mask) (kernel-semantics.md §5.2,
 * §6.5, §11, §12.4).
 *
 * @module
 */
import { defaultKernelConfig } from '../../models';
import type { Fix } from './types';

export const loopWorkerNoio: Fix = {
  name: 'loop-worker-noio',
  title: 'PF_MEMALLOC_NOIO on the loop worker thread',
  proposedBy: 'Mikulas Patocka',
  where: 'loop: set PF_MEMALLOC_NOIO for the worker thread, d0a255e795ab (applied 2019-08-08)',
  mechanism:
    'drivers/block/loop.c: loop_kthread_worker_fn() runs with PF_MEMALLOC_NOIO (in addition to PF_LESS_THROTTLE), so every allocation of the ' +
    'loop worker drops __GFP_IO|__GFP_FS (kernel-semantics.md §2.3, §6.5, §11)',
  merged: 'Linux 5.3 (d0a255e795ab, Cc stable)',
  delta: { taskFlags: { 'loop-worker': [...(defaultKernelConfig.taskFlags['loop-worker'] ?? []), 'PF_MEMALLOC_NOIO'] } },
};
