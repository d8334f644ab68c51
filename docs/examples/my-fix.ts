/**
 * `tcmu-io-flusher-per-call`: tcmu-runner marks itself an I/O flusher only
 * around its own I/O system calls, not for the thread's lifetime.
 *
 * The worked example of docs/adding-a-fix.md ("A fix of your own"): a fix
 * that lives outside gfpcheck's source tree and is loaded with
 * `gfpcheck check --stack report-2019 --fix ./docs/examples/my-fix.ts`.
 *
 * The idea is a variant of `io-flusher` (8d19f1c8e193, Linux 5.6): instead
 * of calling prctl(PR_SET_IO_FLUSHER, 1) once when a handler thread starts,
 * the ZBC file handler would call it before each pwrite()/pread() of the
 * backing file and prctl(PR_SET_IO_FLUSHER, 0) after it. kernel/sys.c
 * (v5.6: prctl → PR_SET_IO_FLUSHER) sets or clears PR_IO_FLUSHER =
 * PF_MEMALLOC_NOIO | PF_LESS_THROTTLE in current->flags, so inside the call
 * current_gfp_context() (include/linux/sched/mm.h) clears __GFP_IO|__GFP_FS
 * from every allocation, exactly as a memalloc_noio_save() scope around
 * ksys_pwrite64 would. Outside the calls tcmu-runner allocates as before:
 * its per-command malloc() faults in heap pages with GFP_HIGHUSER_MOVABLE.
 *
 * @module
 */
import type { Fix } from 'gfpcheck';

const why = 'tcmu-runner: prctl(PR_SET_IO_FLUSHER, 1) before pwrite/pread of the backing file, prctl(PR_SET_IO_FLUSHER, 0) after';

export const tcmuIoFlusherPerCall: Fix = {
  name: 'tcmu-io-flusher-per-call',
  title: "PR_SET_IO_FLUSHER around tcmu-runner's pwrite/pread only (a NOIO scope per call)",
  proposedBy: 'gfpcheck documentation (a worked example)',
  where: 'docs/adding-a-fix.md, "A fix of your own"',
  mechanism:
    'kernel/sys.c (v5.6): PR_SET_IO_FLUSHER sets/clears PF_MEMALLOC_NOIO | PF_LESS_THROTTLE in current->flags; ' +
    'include/linux/sched/mm.h: current_gfp_context() then clears __GFP_IO|__GFP_FS inside the call',
  modelNote:
    "a memalloc_noio_save scope on the model's ksys_pwrite64/ksys_pread64 frames of tcmu-runner; the PF_LESS_THROTTLE half of " +
    'PR_IO_FLUSHER (balance_dirty_pages headroom) is not expressed: a scope rule can only save NOFS or NOIO',
  delta: {
    scopes: [
      { frame: 'ksys_pwrite64', scope: 'NOIO', role: 'tcmu-runner', why },
      { frame: 'ksys_pread64', scope: 'NOIO', role: 'tcmu-runner', why },
    ],
  },
};
