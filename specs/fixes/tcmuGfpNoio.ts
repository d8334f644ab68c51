/**
 * `tcmu-gfp-noio`: GFP_NOIO for tcmu's kernel-side command allocations.
 *
 * Damien Le Moal, "[PATCH v2] target: core: Prevent memory reclaim
 * recursion" (2019-11-08): tcmu_alloc_cmd() and tcmu_get_empty_block() (the
 * latter under cmdr_lock) allocate with GFP_NOIO instead of GFP_KERNEL;
 * Bodo Stroesser extended it to every command-path allocation in 2021
 * (1080782f13e3) (kernel-semantics.md §8.1, §8.5, §12.3 (d)).
 *
 * @module
 */
import type { Fix } from './types';

export const tcmuGfpNoio: Fix = {
  name: 'tcmu-gfp-noio',
  title: "GFP_NOIO for tcmu's kernel-side command allocations (the November 2019 target patch)",
  proposedBy: 'Damien Le Moal',
  where: '[PATCH v2] target: core: Prevent memory reclaim recursion, 2019-11-08, <20191108082901.417950-1-damien.lemoal@wdc.com>',
  mechanism:
    'drivers/target/target_core_user.c: tcmu_alloc_cmd() (kmem_cache_zalloc, kcalloc) and tcmu_get_empty_block() (alloc_page under cmdr_lock) ' +
    'use GFP_NOIO instead of GFP_KERNEL, in the tcm_loop submission kworker (kernel-semantics.md §8.1, §8.5)',
  merged: 'between Linux 5.2 and 5.10 (present in 5.10.7; exact release unconfirmed); extended by 1080782f13e3 (2021)',
  delta: { allocSites: { tcmu_alloc_cmd: 'GFP_NOIO', tcmu_get_empty_block: 'GFP_NOIO' } },
};
