/**
 * `dmzoned-nofs-scope`: memalloc_nofs_save() in dm-zoned before it calls
 * down.
 *
 * Ted Ts'o: "using memalloc_nofs_save() probably makes the most sense, and
 * dm_zoned should use that before it calls into ext4". Damien Le Moal
 * replied that it cannot work here: the I/O is done by tcmu-runner, a
 * different task, so a scope in dm-zoned's contexts "will have no effect".
 * dm-zoned later used memalloc_noio_save only around report-zones
 * (kernel-semantics.md §9.5, §12.4).
 *
 * @module
 */
import { defaultKernelConfig } from '../../models';
import type { Fix } from './types';

export const dmzonedNofsScope: Fix = {
  name: 'dmzoned-nofs-scope',
  title: 'memalloc_nofs_save in dm-zoned before it calls down',
  proposedBy: "Theodore Ts'o",
  where: 'reply of 2019-07-26; rejected by Damien Le Moal on 2019-07-27 (a different task does the I/O)',
  mechanism:
    "drivers/md/dm-zoned-target.c: dmz_chunk_work() (the chunk kworker that submits to the device below) runs under memalloc_nofs_save(); " +
    "dm-zoned's own allocations are GFP_NOIO already (kernel-semantics.md §9.1, §9.3, §9.5)",
  modelNote:
    'the model has no dm-zoned frame to bracket (dmz_map and dmz_chunk_work push none), so the scope is expressed as PF_MEMALLOC_NOFS on the ' +
    'dm-zoned kworker for its whole life, which covers dmz_chunk_work; the dmz_map part runs in the submitter and only makes GFP_NOIO allocations, ' +
    'so bracketing it would not change any mask',
  delta: { taskFlags: { 'dmz-kworker': [...(defaultKernelConfig.taskFlags['dmz-kworker'] ?? []), 'PF_MEMALLOC_NOFS'] } },
};
