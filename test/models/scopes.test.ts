import { GFP_HIGHUSER_MOVABLE, GFP_KERNEL, GFP_NOFS, GFP_NOIO, __GFP_FS, __GFP_IO, __GFP_WRITE } from '../../models/mm/gfp';
import { currentGfpContext } from '../../models/kernel';
import { PF_MEMALLOC, PF_MEMALLOC_NOFS, PF_MEMALLOC_NOIO, newTask, pop, push } from '../../models/core/task';
import { compose } from './helpers';

describe('memalloc scopes (include/linux/sched/mm.h)', () => {
  it('should mask __GFP_FS inside a NOFS scope (current_gfp_context)', () => {
    expect(currentGfpContext(GFP_KERNEL, PF_MEMALLOC_NOFS)).toBe(GFP_NOFS);
  });

  it('should mask __GFP_IO and __GFP_FS inside a NOIO scope, NOIO taking precedence over NOFS', () => {
    expect(currentGfpContext(GFP_KERNEL, PF_MEMALLOC_NOIO)).toBe(GFP_NOIO);
    expect(currentGfpContext(GFP_KERNEL, PF_MEMALLOC_NOIO | PF_MEMALLOC_NOFS)).toBe(GFP_NOIO);
  });

  it('should leave __GFP_DIRECT_RECLAIM alone and ignore PF_MEMALLOC', () => {
    expect(currentGfpContext(GFP_KERNEL, PF_MEMALLOC)).toBe(GFP_KERNEL);
    expect(currentGfpContext(GFP_NOIO, PF_MEMALLOC_NOIO)).toBe(GFP_NOIO);
  });

  it('should restore nested scopes correctly: an inner restore never clears an outer scope', () => {
    // Arrange: outer NOFS scope, inner NOFS scope, innermost NOIO scope
    let t = newTask(8, 0, 0);
    t = push(t, [{ fn: 'ksys_pwrite64', scope: PF_MEMALLOC_NOFS }]);
    t = push(t, [{ fn: 'vfs_write', scope: PF_MEMALLOC_NOFS }]);
    t = push(t, [{ fn: 'new_sync_write', scope: PF_MEMALLOC_NOIO }]);
    expect(t.flags).toBe(PF_MEMALLOC_NOFS | PF_MEMALLOC_NOIO);
    // Act / Assert: each pop restores the saved bits only
    t = pop(t);
    expect(t.flags).toBe(PF_MEMALLOC_NOFS);
    t = pop(t);
    expect(t.flags).toBe(PF_MEMALLOC_NOFS); // inner memalloc_nofs_restore keeps the outer scope
    t = pop(t);
    expect(t.flags).toBe(0);
  });

  it('should keep a flag the task had before the scope (e.g. PR_SET_IO_FLUSHER) after restore', () => {
    let t = newTask(4, PF_MEMALLOC_NOIO, 0);
    t = push(t, [{ fn: 'ksys_pwrite64', scope: PF_MEMALLOC_NOIO }]);
    t = pop(t);
    expect(t.flags).toBe(PF_MEMALLOC_NOIO);
  });
});

describe('effectiveGfp: the one place an allocation mask is computed', () => {
  const { K } = compose({ stack: 'xfs/dm-zoned/tcmu/ext4/ssd' });

  it('should use the mapping mask for page-cache allocations (xfs clears __GFP_FS, ext4 keeps it)', () => {
    expect(K.mappingGfp(0, 'regular')).toBe(GFP_HIGHUSER_MOVABLE & ~__GFP_FS);
    expect(K.mappingGfp(3, 'regular')).toBe(GFP_HIGHUSER_MOVABLE);
    expect(K.effectiveGfp(0, { mapping: { fs: 3, file: 'regular' }, add: __GFP_WRITE })).toBe(GFP_HIGHUSER_MOVABLE | __GFP_WRITE);
  });

  it('should clear __GFP_IO|__GFP_FS on a loop backing file mapping (loop_set_fd)', () => {
    expect(K.mappingGfp(3, 'loop-backing')).toBe(GFP_HIGHUSER_MOVABLE & ~(__GFP_FS | __GFP_IO));
  });

  it('should apply the task scope after the mapping mask', () => {
    expect(K.effectiveGfp(PF_MEMALLOC_NOFS, { mapping: { fs: 3, file: 'regular' } })).toBe(GFP_HIGHUSER_MOVABLE & ~__GFP_FS);
  });

  it('should OR __GFP_FS|__GFP_IO back in for a page fault, before the scope', () => {
    expect(K.effectiveGfp(0, { mapping: { fs: 0, file: 'regular' }, fault: true })).toBe(GFP_HIGHUSER_MOVABLE);
    expect(K.effectiveGfp(PF_MEMALLOC_NOIO, { mapping: { fs: 0, file: 'regular' }, fault: true })).toBe(GFP_HIGHUSER_MOVABLE & ~(__GFP_FS | __GFP_IO));
  });

  it('should take config deltas: an ext4 mapping without __GFP_FS, or a mount option on the lower filesystem', () => {
    const a = compose({ stack: 'report-2019', config: { mappingClear: { xfs: ['__GFP_FS'], ext4: ['__GFP_FS'] } } }).K;
    expect(a.mappingGfp(3, 'regular')).toBe(GFP_HIGHUSER_MOVABLE & ~__GFP_FS);
    const b = compose({ stack: 'report-2019', config: { lowerFsMappingClear: ['__GFP_FS'] } }).K;
    expect(b.mappingGfp(3, 'regular')).toBe(GFP_HIGHUSER_MOVABLE & ~__GFP_FS);
    expect(b.mappingGfp(0, 'regular')).toBe(GFP_HIGHUSER_MOVABLE & ~__GFP_FS); // top xfs: its own rule only
  });
});
