/**
 * `bio-carries-nofs`: the submitter's PF_MEMALLOC/NOFS state travels in the
 * bio, and the worker that processes it enters the same scope.
 *
 * Andreas Dilger: "pass on PF_MEMALLOC/memalloc_nofs_save state in the BIO
 * so that the worker thread will also get the correct behaviour". Damien Le
 * Moal replied that there is no bio to carry it to tcmu-runner: the command
 * becomes a pread/pwrite by a userspace process. Not done
 * (kernel-semantics.md §12.4).
 *
 * @module
 */
import type { Fix } from './types';

export const bioCarriesNofs: Fix = {
  name: 'bio-carries-nofs',
  title: "the submitter's memalloc scope travels in the bio to the worker that processes it",
  proposedBy: 'Andreas Dilger',
  where: 'reply of 2019-07-29; Damien Le Moal, 2019-07-30: "there is no BIO to work with here"',
  mechanism:
    'block layer: submit_bio() records the submitter\'s PF_MEMALLOC, PF_MEMALLOC_NOFS and PF_MEMALLOC_NOIO in the bio; a worker that processes the bio (loop worker) enters ' +
    'that scope with memalloc_*_save() while serving it; a SCSI command in the tcmu ring carries no task state (kernel-semantics.md §2.7, §8.1, §12.4)',
  modelNote:
    "the model carries the submitter's PF_MEMALLOC, PF_MEMALLOC_NOFS and PF_MEMALLOC_NOIO (Req.scope); the scope stops at tcm_loop_submission_work (the ring carries no task state) and is entered by the loop worker while it serves the bio",
  delta: { bioCarriesScope: true },
};
