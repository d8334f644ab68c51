/**
 * `ext4-mapping-nofs`: clear __GFP_FS in the mapping mask of ext4 regular
 * files, copying what xfs_setup_inode does for XFS.
 *
 * The patch that opened the thread: fs/ext4/inode.c: ext4_set_aops() does
 * `mapping_set_gfp_mask(mapping, mapping_gfp_mask(mapping) & ~__GFP_FS)`,
 * so every page-cache allocation of every ext4 file (the
 * ext4_da_write_begin → grab_cache_page_write_begin allocation in the
 * reported trace, and the read/readahead allocations) is NOFS and direct
 * reclaim skips super_cache_scan. Not merged: ext4 regular-file masks are
 * unchanged in 5.10 and 6.14 (kernel-semantics.md §5.2, §12.4).
 *
 * @module
 */
import type { Fix } from './types';

export const ext4MappingNofs: Fix = {
  name: 'ext4-mapping-nofs',
  title: "clear __GFP_FS in ext4's inode mapping mask (the patch in the thread)",
  proposedBy: 'Damien Le Moal',
  where: '[PATCH] ext4: Fix deadlock on page reclaim, 2019-07-25, <20190725093358.30679-1-damien.lemoal@wdc.com>',
  mechanism:
    'fs/ext4/inode.c: ext4_set_aops() clears __GFP_FS from the mapping mask, as fs/xfs/xfs_iops.c: xfs_setup_inode() does; ' +
    'every page-cache allocation of an ext4 file (grab_cache_page_write_begin, __page_cache_alloc) becomes NOFS (kernel-semantics.md §5.2, §5.3, §12.4)',
  delta: { mappingClear: { ext4: ['__GFP_FS'] } },
};
