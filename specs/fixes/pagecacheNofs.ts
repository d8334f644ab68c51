/**
 * `pagecache-nofs`: memalloc_nofs_save() around page-cache allocation in the
 * generic write and read paths, for every filesystem.
 *
 * Christoph Hellwig's reply to the patch ("shouldn't we fix this in common
 * code? ... just using memalloc_nofs_save for the page cache allocation
 * path instead of the per-mapping gfp_mask"), which Damien Le Moal spelled
 * out the next day: memalloc_nofs_save/restore in
 * grab_cache_page_write_begin() and the generic read helpers. Not merged;
 * readahead got a memalloc_nofs_save in the 2020 rework for a different
 * reason (kernel-semantics.md §5.3, §5.4, §12.4).
 *
 * @module
 */
import type { Fix } from './types';

export const pagecacheNofs: Fix = {
  name: 'pagecache-nofs',
  title: 'memalloc_nofs_save around page-cache allocation in the generic write and read paths (every filesystem)',
  proposedBy: 'Christoph Hellwig (Damien Le Moal spelled out where)',
  where: 'reply to the ext4 patch, 2019-07-25 (Hellwig); follow-up 2019-07-26 (Le Moal)',
  mechanism:
    'mm/filemap.c: grab_cache_page_write_begin() (write_begin of ext4 and iomap) and __page_cache_alloc() on the read/readahead path ' +
    'run under memalloc_nofs_save(), so current_gfp_context() clears __GFP_FS for those allocations only (kernel-semantics.md §2.3, §5.3, §5.4, §12.4)',
  delta: {
    scopes: [
      { frame: 'grab_cache_page_write_begin', scope: 'NOFS', why: 'pagecache-nofs: write path page allocation' },
      { frame: '__page_cache_alloc', scope: 'NOFS', why: 'pagecache-nofs: read and readahead page allocation' },
    ],
  },
};
