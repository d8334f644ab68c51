import {
  GFP_HIGHUSER_MOVABLE,
  GFP_KERNEL,
  GFP_NOFS,
  GFP_NOIO,
  __GFP_FS,
  __GFP_IO,
  __GFP_NORETRY,
  __GFP_NOWARN,
  __GFP_WRITE,
  formatGfp,
  parseGfp,
} from '../../models/mm/gfp';

describe('GFP masks (include/linux/gfp.h, v5.2)', () => {
  it('should use the kernel bit values', () => {
    expect(__GFP_IO).toBe(0x40);
    expect(__GFP_FS).toBe(0x80);
    expect(GFP_KERNEL).toBe(0xcc0);
    expect(GFP_NOFS).toBe(0xc40);
    expect(GFP_NOIO).toBe(0xc00);
  });

  it.each([
    [GFP_HIGHUSER_MOVABLE | __GFP_WRITE, 'GFP_HIGHUSER_MOVABLE|__GFP_WRITE'],
    [GFP_NOFS, 'GFP_NOFS'],
    [GFP_NOIO, 'GFP_NOIO'],
    [GFP_KERNEL, 'GFP_KERNEL'],
    [GFP_HIGHUSER_MOVABLE | __GFP_NORETRY | __GFP_NOWARN, 'GFP_HIGHUSER_MOVABLE|__GFP_NOWARN|__GFP_NORETRY'],
    // XFS mapping (xfs_setup_inode clears __GFP_FS) + __GFP_WRITE
    [(GFP_HIGHUSER_MOVABLE & ~__GFP_FS) | __GFP_WRITE, 'GFP_NOFS|__GFP_HIGHMEM|__GFP_HARDWALL|__GFP_MOVABLE|__GFP_WRITE'],
    // loop backing mapping (loop_set_fd clears __GFP_IO|__GFP_FS)
    [GFP_HIGHUSER_MOVABLE & ~(__GFP_FS | __GFP_IO), 'GFP_NOIO|__GFP_HIGHMEM|__GFP_HARDWALL|__GFP_MOVABLE'],
    [0, '0'],
  ])('should print %s as %s, composites first like show_gfp_flags', (mask, text) => {
    expect(formatGfp(mask)).toBe(text);
  });

  it('should parse what it prints', () => {
    for (const m of [GFP_KERNEL, GFP_NOFS | __GFP_WRITE, GFP_HIGHUSER_MOVABLE & ~__GFP_FS]) {
      expect(parseGfp(formatGfp(m))).toBe(m);
    }
    expect(() => parseGfp('GFP_BOGUS')).toThrow(/unknown GFP flag/);
  });
});
