import { buildStackSpec, listLayers, listParams, listStacks, parseStack, StackError } from '../../models';

describe('stack composition and validation', () => {
  it('should list the named stacks of the 2019 thread', () => {
    expect(listStacks().map((s) => [s.name, s.stack])).toEqual([
      ['report-2019', 'xfs/dm-zoned/tcmu/ext4/ssd'],
      ['xfs-backend', 'xfs/dm-zoned/tcmu/xfs/ssd'],
      ['loop-ext4', 'xfs/loop/ext4/ssd'],
      ['ext4-ssd', 'ext4/ssd'],
      ['xfs-ssd', 'xfs/ssd'],
      // issue 11: the catalogue's stacks
      ['nbd-ext4', 'xfs/nbd/ext4/ssd'],
      ['fuse-ext4', 'fuse/ext4/ssd'],
      ['nfs-loopback', 'nfs/ext4/ssd'],
    ]);
  });

  it('should list layers and params with descriptions and defaults', () => {
    expect(listLayers().map((l) => l.name)).toEqual(['xfs', 'ext4', 'dm-zoned', 'tcmu', 'loop', 'nbd', 'fuse', 'nfs', 'ssd', 'zoned']);
    expect(listLayers().every((l) => l.description.length > 10)).toBe(true);
    expect(Object.fromEntries(listParams().map((p) => [p.name, p.default]))).toEqual({
      // pages=2: the top XFS's inode cluster buffer page is no longer inside `pages` (issue 10), so the
      // 2019 stacks have the same memory as with the former pages=3
      writers: '1', ios: '4', pages: '2', reserve: '1', dirty_limit: '1', kswapd: '1', tcmu_threads: '1', tcm_loop_workers: '2',
      daemon_alloc: '1', tcmu_kernel: '1', cmd_timeout: '0', loop_alloc: '1',
      dirty_ratio: '0', background_ratio: '10', wb_share: '100', anon_pages: '0', slab_pages: '0',
      // issue 10: the paths the review found missing, off by default
      tcmu_cmdr_lock: '1', tcmu_batch: '1', xfs_log: '0', flusher_block: '1', dmz_block: '0',
      // issue 11: FUSE's strictlimit guard (the kernel's 8 pages)
      fuse_strict: '8',
    });
    // every route is on by default, and each parameter says which route it switches
    for (const name of ['daemon_alloc', 'kswapd', 'dirty_limit', 'tcmu_kernel', 'loop_alloc']) {
      expect(listParams().find((p) => p.name === name)!.description).toMatch(/^route \([a-e]\)/);
    }
  });

  it('should accept every named stack and a zoned disk below dm-zoned', () => {
    for (const s of listStacks()) expect(() => parseStack(s.stack)).not.toThrow();
    expect(parseStack('xfs/dm-zoned/zoned').map((l) => l.name)).toEqual(['xfs', 'dm-zoned', 'zoned']);
  });

  it.each([
    ['', /empty stack/],
    ['xfs/btrfs/ssd', /unknown layer "btrfs" at position 2/],
    ['xfs/ext4/ssd', /xfs cannot sit directly on ext4: a filesystem needs a block device below it/],
    ['xfs/ssd/ext4', /the bottom layer must be a disk/],
    ['xfs/ssd/zoned', /disk "ssd" at position 2 is not at the bottom/],
    ['dm-zoned/zoned', /the top layer must be a filesystem/],
    ['xfs/dm-zoned/ssd', /dm-zoned needs a zoned block device below it/],
    ['xfs/loop/ssd', /loop keeps its data in a file, so the layer below it must be a filesystem/],
    ['xfs/tcmu/dm-zoned/zoned', /tcmu keeps its data in a file/],
    ['xfs//ssd', /empty layer name at position 2/],
  ])('should reject %p saying why', (stack, why) => {
    expect(() => parseStack(stack)).toThrow(StackError);
    expect(() => parseStack(stack)).toThrow(why);
  });

  it('should reject an unknown workload or parameter, or a value out of range', () => {
    expect(() => buildStackSpec({ stack: 'xfs/ssd', workload: 'mmap' as never })).toThrow(/unknown workload "mmap"/);
    expect(() => buildStackSpec({ stack: 'xfs/ssd', params: { bogus: '1' } })).toThrow(/unknown parameter "bogus"/);
    expect(() => buildStackSpec({ stack: 'xfs/ssd', params: { pages: 'x' } })).toThrow(/pages=x is not an integer/);
    expect(() => buildStackSpec({ stack: 'xfs/ssd', params: { writers: '9' } })).toThrow(/writers=9 is out of range 1..4/);
    expect(() => buildStackSpec({ stack: 'xfs/ssd', params: { pages: '0' } })).toThrow(/pages=0 is out of range/);
  });

  it('should name the spec after its stack and report its parameters', () => {
    const spec = buildStackSpec({ stack: 'report-2019' });
    expect(spec.name).toBe('stack:xfs/dm-zoned/tcmu/ext4/ssd');
    expect(spec.params).toMatchObject({ stack: 'xfs/dm-zoned/tcmu/ext4/ssd', workload: 'write', kernel: 'v5.2', writers: 1, ios: 4, pages: 2 });
    expect(spec.symmetric).toEqual({ writers: 1 });
  });
});
