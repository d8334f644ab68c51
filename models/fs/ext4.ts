/**
 * ext4: default mapping mask (GFP_HIGHUSER_MOVABLE, __GFP_FS kept) and
 * ext4_da_write_begin allocating its page-cache page before the journal
 * handle, without AOP_FLAG_NOFS — the allocation in Damien Le Moal's trace.
 *
 * Sources ([5.2.1]): fs/ext4/inode.c: ext4_set_aops / ext4_da_write_begin
 * (grab_cache_page_write_begin(mapping, index, flags) with flags = 0 from
 * generic_perform_write), fs/ext4/file.c: ext4_file_write_iter /
 * ext4_file_read_iter. ext4 has no free_cached_objects: its superblock
 * shrinker prunes dentries and unused inodes without waiting for I/O.
 *
 * @module
 */
import { FrameFn } from '../core/frames';
import { Shrinker } from '../kernel';
import { superShrinker } from './super';
import { FsBase } from './common';

export class Ext4Layer extends FsBase {
  readonly name = 'ext4' as const;

  protected writeFrames(): FrameFn[] {
    // ext4_file_write_iter → __generic_file_write_iter → generic_perform_write → ext4_da_write_begin
    return ['ext4_file_write_iter', '__generic_file_write_iter', 'generic_perform_write', 'ext4_da_write_begin'];
  }

  protected readFrames(): FrameFn[] {
    return ['ext4_file_read_iter'];
  }

  protected writeLoopFrame(): FrameFn {
    return 'generic_perform_write';
  }

  protected writeBeginNofs(): boolean {
    return false; // generic_perform_write passes flags = 0
  }

  protected override readBioUnconstrained(): boolean {
    return true; // fs/ext4/readpage.c: ext4_mpage_readpages → bio_alloc(GFP_KERNEL, …) (v5.2)
  }

  protected override readpagesFrames(): { readahead: FrameFn[]; readpage: FrameFn[] } {
    // readahead: __do_page_cache_readahead → read_pages → ext4_readpages; no_cached_page: ->readpage = ext4_readpage
    return { readahead: ['read_pages', 'ext4_readpages', 'ext4_mpage_readpages'], readpage: ['ext4_readpage', 'ext4_mpage_readpages'] };
  }

  override shrinkers(): Shrinker[] {
    // fs/super.c: super_cache_scan → prune_dcache_sb / prune_icache_sb: no modelled objects, never waits
    return [superShrinker(this.label, this.index, () => false, (k) => ({ k, blocked: false }))];
  }
}
