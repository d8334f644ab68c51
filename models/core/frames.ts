/**
 * The kernel frames a task's call stack can hold, each with the v5.2 source
 * file it abstracts. Backtraces are built from these; the innermost frame of a
 * blocked task names the function it waits in.
 *
 * @module
 */

/** Frame name → v5.2 source file. Order is the enum order (fixed: state encoding depends on it). */
export const FRAME_SOURCES = {
  '-': '',
  // --- syscalls and VFS ---
  ksys_pwrite64: 'fs/read_write.c',
  ksys_pread64: 'fs/read_write.c',
  vfs_write: 'fs/read_write.c',
  vfs_read: 'fs/read_write.c',
  new_sync_write: 'fs/read_write.c',
  new_sync_read: 'fs/read_write.c',
  vfs_iter_write: 'fs/read_write.c',
  vfs_iter_read: 'fs/read_write.c',
  do_iter_write: 'fs/read_write.c',
  do_iter_read: 'fs/read_write.c',
  do_iter_readv_writev: 'fs/read_write.c',
  // --- generic page cache (mm/filemap.c, mm/readahead.c) ---
  __generic_file_write_iter: 'mm/filemap.c',
  generic_perform_write: 'mm/filemap.c',
  grab_cache_page_write_begin: 'mm/filemap.c',
  pagecache_get_page: 'mm/filemap.c',
  generic_file_read_iter: 'mm/filemap.c',
  generic_file_buffered_read: 'mm/filemap.c',
  page_cache_sync_readahead: 'mm/readahead.c',
  ondemand_readahead: 'mm/readahead.c',
  __do_page_cache_readahead: 'mm/readahead.c',
  __page_cache_alloc: 'mm/filemap.c',
  wait_on_page_locked_killable: 'include/linux/pagemap.h',
  balance_dirty_pages_ratelimited: 'mm/page-writeback.c',
  balance_dirty_pages: 'mm/page-writeback.c',
  // --- ext4 ---
  ext4_file_write_iter: 'fs/ext4/file.c',
  ext4_file_read_iter: 'fs/ext4/file.c',
  ext4_da_write_begin: 'fs/ext4/inode.c',
  // --- xfs ---
  xfs_file_write_iter: 'fs/xfs/xfs_file.c',
  xfs_file_buffered_aio_write: 'fs/xfs/xfs_file.c',
  xfs_file_read_iter: 'fs/xfs/xfs_file.c',
  xfs_file_buffered_aio_read: 'fs/xfs/xfs_file.c',
  iomap_file_buffered_write: 'fs/iomap.c',
  iomap_apply: 'fs/iomap.c',
  iomap_write_actor: 'fs/iomap.c',
  iomap_write_begin: 'fs/iomap.c',
  xfs_reclaim_inodes_nr: 'fs/xfs/xfs_icache.c',
  xfs_reclaim_inodes_ag: 'fs/xfs/xfs_icache.c',
  xfs_reclaim_inode: 'fs/xfs/xfs_icache.c',
  xfs_bwrite: 'fs/xfs/xfs_buf.c',
  __xfs_buf_submit: 'fs/xfs/xfs_buf.c',
  xfs_buf_iowait: 'fs/xfs/xfs_buf.c',
  // --- page allocator and reclaim (mm/page_alloc.c, mm/vmscan.c, fs/super.c) ---
  __alloc_pages_nodemask: 'mm/page_alloc.c',
  __alloc_pages_slowpath: 'mm/page_alloc.c',
  try_to_free_pages: 'mm/vmscan.c',
  do_try_to_free_pages: 'mm/vmscan.c',
  shrink_node: 'mm/vmscan.c',
  shrink_slab: 'mm/vmscan.c',
  do_shrink_slab: 'mm/vmscan.c',
  super_cache_scan: 'fs/super.c',
  kswapd: 'mm/vmscan.c',
  balance_pgdat: 'mm/vmscan.c',
  kswapd_shrink_node: 'mm/vmscan.c',
  // --- loop ---
  loop_kthread_worker_fn: 'drivers/block/loop.c',
  loop_queue_work: 'drivers/block/loop.c',
  lo_write_simple: 'drivers/block/loop.c',
  lo_read_simple: 'drivers/block/loop.c',
  // --- tcmu-runner (userspace entry, shown as the bottom frame) ---
  tcmur_cmdproc_thread: 'tcmu-runner main.c (userspace)',
  // --- sleep primitives ---
  wait_for_completion: 'kernel/sched/completion.c',
  mutex_lock: 'kernel/locking/mutex.c',
  io_schedule: 'kernel/sched/core.c',
  io_schedule_timeout: 'kernel/sched/core.c',
  // --- added with the other routes of the 2019 stack (appended: existing values keep their encoding) ---
  // mm: throttle_direct_reclaim and its sleeps (mm/vmscan.c), the bounded congestion wait (mm/backing-dev.c)
  throttle_direct_reclaim: 'mm/vmscan.c',
  schedule: 'kernel/sched/core.c',
  schedule_timeout: 'kernel/time/timer.c',
  congestion_wait: 'mm/backing-dev.c',
  // page faults (arch/x86/mm/fault.c, mm/memory.c)
  do_page_fault: 'arch/x86/mm/fault.c',
  handle_mm_fault: 'mm/memory.c',
  do_anonymous_page: 'mm/memory.c',
  alloc_pages_vma: 'mm/mempolicy.c',
  __do_fault: 'mm/memory.c',
  iov_iter_fault_in_readable: 'lib/iov_iter.c',
  // xfs: flushing an inode whose cluster buffer is not cached (fs/xfs/xfs_inode.c, xfs_inode_buf.c, xfs_buf.c)
  xfs_iflush: 'fs/xfs/xfs_inode.c',
  xfs_imap_to_bp: 'fs/xfs/libxfs/xfs_inode_buf.c',
  xfs_buf_read_map: 'fs/xfs/xfs_buf.c',
  xfs_buf_get_map: 'fs/xfs/xfs_buf.c',
  xfs_buf_allocate_memory: 'fs/xfs/xfs_buf.c',
  // ext4 read bio (mm/readahead.c, fs/ext4/inode.c, fs/ext4/readpage.c, block/bio.c, mm/mempool.c)
  read_pages: 'mm/readahead.c',
  ext4_readpages: 'fs/ext4/inode.c',
  ext4_readpage: 'fs/ext4/inode.c',
  ext4_mpage_readpages: 'fs/ext4/readpage.c',
  bio_alloc_bioset: 'block/bio.c',
  mempool_alloc: 'mm/mempool.c',
  // tcm_loop kworker → tcmu (drivers/target/loopback/tcm_loop.c, target_core_transport.c, target_core_user.c)
  tcm_loop_submission_work: 'drivers/target/loopback/tcm_loop.c',
  target_submit_cmd_map_sgls: 'drivers/target/target_core_transport.c',
  __target_execute_cmd: 'drivers/target/target_core_transport.c',
  tcmu_queue_cmd: 'drivers/target/target_core_user.c',
  tcmu_alloc_cmd: 'drivers/target/target_core_user.c',
  kmem_cache_zalloc: 'include/linux/slab.h',
  queue_cmd_ring: 'drivers/target/target_core_user.c',
  is_ring_space_avail: 'drivers/target/target_core_user.c',
  tcmu_get_empty_blocks: 'drivers/target/target_core_user.c',
  tcmu_get_empty_block: 'drivers/target/target_core_user.c',
  // tcmu-runner's data-area fault and completion (target_core_user.c, drivers/uio/uio.c, libtcmu.c)
  tcmu_vma_fault: 'drivers/target/target_core_user.c',
  tcmu_try_get_block_page: 'drivers/target/target_core_user.c',
  tcmulib_get_next_command: 'tcmu-runner libtcmu.c (userspace)',
  tcmulib_processing_complete: 'tcmu-runner libtcmu.c (userspace)',
  uio_write: 'drivers/uio/uio.c',
  tcmu_irqcontrol: 'drivers/target/target_core_user.c',
  // --- issue 10 (appended: existing values keep their encoding) ---
  // XFS eviction and inactivation, transactions and the log (fs/inode.c, fs/xfs/*)
  prune_icache_sb: 'fs/inode.c',
  dispose_list: 'fs/inode.c',
  evict: 'fs/inode.c',
  xfs_fs_destroy_inode: 'fs/xfs/xfs_super.c',
  xfs_inactive: 'fs/xfs/xfs_inode.c',
  xfs_free_eofblocks: 'fs/xfs/xfs_bmap_util.c',
  xfs_trans_alloc: 'fs/xfs/xfs_trans.c',
  xfs_trans_reserve: 'fs/xfs/xfs_trans.c',
  xfs_log_reserve: 'fs/xfs/xfs_log.c',
  xlog_grant_head_wait: 'fs/xfs/xfs_log.c',
  xfs_vn_update_time: 'fs/xfs/xfs_iops.c',
  // xfsaild (fs/xfs/xfs_trans_ail.c, xfs_inode_item.c) and the reclaimer's waits on its flush
  xfsaild: 'fs/xfs/xfs_trans_ail.c',
  xfsaild_push: 'fs/xfs/xfs_trans_ail.c',
  xfs_inode_item_push: 'fs/xfs/xfs_inode_item.c',
  xfs_iflock: 'fs/xfs/xfs_inode.h',
  delay: 'fs/xfs/xfs_linux.h',
  // the XFS flusher (fs/fs-writeback.c, fs/xfs/xfs_aops.c)
  wb_workfn: 'fs/fs-writeback.c',
  xfs_vm_writepages: 'fs/xfs/xfs_aops.c',
  xfs_submit_ioend: 'fs/xfs/xfs_aops.c',
  xfs_setfilesize_trans_alloc: 'fs/xfs/xfs_aops.c',
  xfs_alloc_ioend: 'fs/xfs/xfs_aops.c',
  // dm-zoned workers (drivers/md/dm-zoned-target.c, dm-zoned-metadata.c)
  dmz_flush_work: 'drivers/md/dm-zoned-target.c',
  dmz_flush_metadata: 'drivers/md/dm-zoned-metadata.c',
  dmz_chunk_work: 'drivers/md/dm-zoned-target.c',
  dmz_handle_bio: 'drivers/md/dm-zoned-target.c',
  dmz_lock_metadata: 'drivers/md/dm-zoned-metadata.c',
  down_read: 'kernel/locking/rwsem.c',
  wait_on_bit_io: 'include/linux/wait_bit.h',
  // 5.15+ deferred inactivation (xfsInactivation: 'inodegc'; fs/xfs/xfs_icache.c, kernel/workqueue.c)
  xfs_inode_mark_reclaimable: 'fs/xfs/xfs_icache.c',
  xfs_inodegc_queue: 'fs/xfs/xfs_icache.c',
  flush_work: 'kernel/workqueue.c',
  xfs_inodegc_worker: 'fs/xfs/xfs_icache.c',
  xfs_inodegc_inactivate: 'fs/xfs/xfs_icache.c',
  // --- issue 11 (appended: existing values keep their encoding) ---
  // nbd-server's reply on its TCP socket (nbd-server.c (userspace) → write(2); net/socket.c, net/ipv4/tcp.c, net/core/sock.c)
  nbd_server_send_reply: 'nbd-server nbd-server.c (userspace)',
  sock_write_iter: 'net/socket.c',
  sock_sendmsg: 'net/socket.c',
  tcp_sendmsg_locked: 'net/ipv4/tcp.c',
  sk_page_frag_refill: 'net/core/sock.c',
  // FUSE buffered write (writeback_cache) and writeback through temporary pages (fs/fuse/file.c, mm/filemap.c, mm/page-writeback.c)
  fuse_file_write_iter: 'fs/fuse/file.c',
  generic_file_write_iter: 'mm/filemap.c',
  fuse_write_begin: 'fs/fuse/file.c',
  fuse_writepages: 'fs/fuse/file.c',
  write_cache_pages: 'mm/page-writeback.c',
  fuse_writepages_fill: 'fs/fuse/file.c',
  // loopback NFS: the client's write and writeback, ->releasepage and COMMIT (fs/nfs/*), nfsd's write (fs/nfsd/*, net/sunrpc/svc.c)
  nfs_file_write: 'fs/nfs/file.c',
  nfs_write_begin: 'fs/nfs/file.c',
  nfs_writepages: 'fs/nfs/write.c',
  shrink_page_list: 'mm/vmscan.c',
  try_to_release_page: 'fs/buffer.c',
  nfs_release_page: 'fs/nfs/file.c',
  nfs_commit_inode: 'fs/nfs/write.c',
  wait_on_commit: 'fs/nfs/write.c',
  nfsd: 'fs/nfsd/nfssvc.c',
  svc_process: 'net/sunrpc/svc.c',
  nfsd_dispatch: 'fs/nfsd/nfssvc.c',
  nfsd3_proc_write: 'fs/nfsd/nfs3proc.c',
  nfsd_write: 'fs/nfsd/vfs.c',
  nfsd_vfs_write: 'fs/nfsd/vfs.c',
} as const;

export type FrameFn = keyof typeof FRAME_SOURCES;
export const FRAME_NAMES = Object.keys(FRAME_SOURCES) as FrameFn[];
