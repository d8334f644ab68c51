/**
 * `lower-fs-io-nofs`: the "big hammer" — every read and write into a
 * filesystem that sits below another one runs under a NOFS scope for its
 * whole I/O path.
 *
 * Dave Chinner: "I think it has to be the entire IO path - any allocation
 * from the underlying filesystem could recurse into the top level
 * filesystem ... That's a bloody big hammer for something that is only
 * necessary when there are stacked filesystems" and, later, "using
 * memalloc_nofs_save() as a huge hammer in the pread/pwrite() calling
 * context". Damien Le Moal placed it at the VFS layer and asked how a
 * filesystem could tell it is not at the top of the stack. The model's
 * `lowerFsOnly` answers that question with an oracle the kernel does not
 * have; it was realised instead as a per-task flag (PR_SET_IO_FLUSHER,
 * `io-flusher`) (kernel-semantics.md §12.4, §7).
 *
 * @module
 */
import type { Fix } from './types';

const why = 'lower-fs-io-nofs: memalloc_nofs_save for the whole read/write into a lower filesystem';

export const lowerFsIoNofs: Fix = {
  name: 'lower-fs-io-nofs',
  title: 'the "big hammer": every read/write into a lower filesystem runs under memalloc_nofs_save for its whole I/O path',
  proposedBy: 'Dave Chinner (Damien Le Moal: at the VFS layer)',
  where: 'replies of 2019-07-26 (Chinner: "it has to be the entire IO path"; Le Moal: VFS-level big hammer) and 2019-07-28 (Chinner: in the pread/pwrite calling context)',
  mechanism:
    'fs/read_write.c: vfs_write()/vfs_read() (pwrite/pread) and vfs_iter_write()/vfs_iter_read() (loop) enter memalloc_nofs_save() when the file ' +
    'is on a filesystem below the top of the stack; everything the call allocates is NOFS (kernel-semantics.md §2.3, §12.4)',
  modelNote:
    'the scope is applied only to lower filesystems (ScopeRule.lowerFsOnly): the kernel has no way to know that a filesystem is not at the top ' +
    '(Le Moal, 2019-07-27); applied to every filesystem it would also take __GFP_FS away from applications on an unstacked ext4',
  delta: {
    scopes: (['vfs_write', 'vfs_read', 'vfs_iter_write', 'vfs_iter_read'] as const).map((frame) => ({ frame, scope: 'NOFS' as const, lowerFsOnly: true, why })),
  },
};
