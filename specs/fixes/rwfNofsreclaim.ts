/**
 * `rwf-nofsreclaim`: a per-call RWF_NOFSRECLAIM flag that tcmu-runner
 * passes to preadv2/pwritev2; the system call runs under a NOFS scope.
 *
 * Damien Le Moal proposed RWF_NORECLAIM for pwritev2()/preadv2() and, after
 * Dave Chinner's objection that reclaim must still happen, clarified it as
 * RWF_NOFSRECLAIM ("suppressing direct reclaim recursing into another FS").
 * Not merged: there is no such flag in 6.14 uapi (kernel-semantics.md §12.4).
 *
 * @module
 */
import type { Fix } from './types';

const why = 'rwf-nofsreclaim: tcmu-runner passes RWF_NOFSRECLAIM; the call runs under memalloc_nofs_save';

export const rwfNofsreclaim: Fix = {
  name: 'rwf-nofsreclaim',
  title: 'a per-call RWF_NOFSRECLAIM flag that tcmu-runner passes to preadv2/pwritev2',
  proposedBy: 'Damien Le Moal',
  where: 'replies of 2019-07-30 (RWF_NORECLAIM) and 2019-07-31 (RWF_NOFSRECLAIM); Dave Chinner sceptical, 2019-07-30',
  mechanism:
    'fs/read_write.c: do_iter_readv_writev()/vfs_iocb_iter_*() see RWF_NOFSRECLAIM (include/uapi/linux/fs.h) and run the call under ' +
    "memalloc_nofs_save(); scope: that system call of tcmu-runner's handler thread (kernel-semantics.md §2.2, §12.4)",
  modelNote: "the model's tcmu-runner issues pwrite64/pread64; the flag is applied to those calls (frames ksys_pwrite64/ksys_pread64, role tcmu-runner)",
  delta: {
    scopes: [
      { frame: 'ksys_pwrite64', scope: 'NOFS', role: 'tcmu-runner', why },
      { frame: 'ksys_pread64', scope: 'NOFS', role: 'tcmu-runner', why },
    ],
  },
};
