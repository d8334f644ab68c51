/**
 * `xfs-async-inode-reclaim`: XFS inode reclaim no longer waits on I/O.
 *
 * Dave Chinner, "[PATCH 00/30] xfs: rework inode flushing to make inode
 * reclaim fully asynchronous" (v3, 2020-06-04), merged for Linux 5.9
 * (993f951f501c "xfs: make inode reclaim almost non-blocking",
 * 617825fe3489 "xfs: remove IO submission from xfs_reclaim_inode()", ...):
 * xfs_reclaim_inode skips dirty, pinned and flushing inodes and only frees
 * clean ones (kernel-semantics.md §4.8, §4.9).
 *
 * @module
 */
import type { Fix } from './types';

export const xfsAsyncInodeReclaim: Fix = {
  name: 'xfs-async-inode-reclaim',
  title: 'XFS inode reclaim no longer waits on I/O (Linux 5.9)',
  proposedBy: 'Dave Chinner',
  where: '[PATCH 00/30] xfs: rework inode flushing to make inode reclaim fully asynchronous, v3, 2020-06-04',
  mechanism:
    'fs/xfs/xfs_icache.c: xfs_reclaim_inodes_nr()/xfs_reclaim_inode() lose SYNC_WAIT: no xfs_iflush + xfs_bwrite, no xfs_buf_iowait; ' +
    'dirty, pinned or flushing inodes are skipped (kernel-semantics.md §4.8, §4.9)',
  merged: 'Linux 5.9 (993f951f501c, 617825fe3489, 9552e14d3e87, 76622c88c2ce, ...)',
  delta: { xfsInodeReclaim: 'nonblocking' },
};
