/**
 * `io-flusher`: tcmu-runner calls prctl(PR_SET_IO_FLUSHER, 1), giving its
 * handler threads PF_MEMALLOC_NOIO | PF_LOCAL_THROTTLE.
 *
 * Dave Chinner asked whether FUSE-like daemons could mark themselves with a
 * prctl; Mike Christie's "prctl: PR_{G,S}ET_IO_FLUSHER to support
 * controlling memory reclaim" (8d19f1c8e193, authored 2019-11-11, merged in
 * Linux 5.6; PF_LESS_THROTTLE until 5.8's PF_LOCAL_THROTTLE) names
 * tcmu-runner in its commit message. tcmu-runner itself never called it
 * (kernel-semantics.md §7.1–§7.3, §6.4).
 *
 * The fix names roles, not a stack (issue 11): every userspace I/O daemon of
 * the model that serves a device or mount from a file gets the flags — tcmu-runner,
 * nbd-server and the FUSE daemon (the commit message names "tcmu-runner, amd
 * [sic] nbd" and its V3 changelog says nbd, tcmu-runner and a FUSE daemon were
 * tested, kernel-semantics-stacks.md §2.3). A role absent from a stack is ignored.
 *
 * @module
 */
import { defaultKernelConfig } from '../../models';
import type { Role, TaskFlag } from '../../models';
import type { Fix } from './types';

/** The userspace I/O daemons of the model: a daemon-self fix applies to each role present in a stack. */
export const IO_DAEMON_ROLES: readonly Role[] = ['tcmu-runner', 'nbd-server', 'fuse-daemon'];

export const ioFlusher: Fix = {
  name: 'io-flusher',
  title: 'prctl(PR_SET_IO_FLUSHER) in the userspace I/O daemons (tcmu-runner, nbd-server, the FUSE daemon): PF_MEMALLOC_NOIO | PF_LOCAL_THROTTLE on their threads',
  proposedBy: 'Dave Chinner (idea); Mike Christie (patch)',
  where: 'reply of 2019-07-28 (Chinner: "some kind of prctl ... for things like FUSE daemons"); commit 8d19f1c8e193, authored 2019-11-11',
  mechanism:
    'kernel/sys.c: PR_SET_IO_FLUSHER ORs PR_IO_FLUSHER = PF_MEMALLOC_NOIO | PF_LOCAL_THROTTLE into the calling thread\'s flags, inherited by ' +
    'threads created afterwards; current_gfp_context() then clears __GFP_IO|__GFP_FS from every allocation of the daemon (kernel-semantics.md §2.3, §6.4, §7)',
  merged: 'Linux 5.6 (8d19f1c8e193; PF_LOCAL_THROTTLE from 5.8, a37b0715ddf3); tcmu-runner never adopted it',
  delta: {
    taskFlags: Object.fromEntries(
      IO_DAEMON_ROLES.map((role) => [role, [...(defaultKernelConfig.taskFlags[role] ?? []), 'PF_MEMALLOC_NOIO', 'PF_LOCAL_THROTTLE'] as TaskFlag[]]),
    ),
  },
};
