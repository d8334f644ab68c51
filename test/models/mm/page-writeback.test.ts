/**
 * Dirty limits of v5.2 as integer rules (mm/page-writeback.c:
 * global_dirtyable_memory, domain_dirty_limits, balance_dirty_pages; 5.10's
 * PF_LOCAL_THROTTLE wb free-run ceiling), driven directly through the Kernel.
 */
import fc from 'fast-check';
import { KState } from '../../../models/kernel';
import { PF_LESS_THROTTLE, PF_LOCAL_THROTTLE } from '../../../models/core/task';
import { compose } from '../helpers';

/** report-2019 layers: 0 xfs, 1 dm-zoned, 2 tcmu, 3 ext4, 4 ssd. */
const XFS = 0;
const EXT4 = 3;

function withPages(params: Record<string, string>, free: number, xfsDirty: number, ext4Dirty: number) {
  const { K, s0 } = compose({ stack: 'report-2019', params });
  const k = {
    ...s0,
    mm: { ...s0.mm, free },
    L0: { ...(s0 as any).L0, pc: { clean: 0, dirty: xfsDirty, wb: 0, locked: 0 } },
    L3: { pc: { clean: 0, dirty: ext4Dirty, wb: 0, locked: 0 } },
  } as KState;
  return { K, k };
}

/** domain_dirty_limits written out from kernel-semantics-stacks.md §7.2 (an independent transcription). */
function reference(ratio: number, bgRatio: number, A: number): { thresh: number; bg: number } {
  const r = Math.trunc((ratio * 4096) / 100);
  const b = Math.trunc((bgRatio * 4096) / 100);
  const thresh = Math.trunc((r * A) / 4096);
  let bg = Math.trunc((b * A) / 4096);
  if (bg >= thresh) bg = Math.trunc(thresh / 2);
  return { thresh, bg };
}

describe('dirty limits (mm/page-writeback.c, v5.2)', () => {
  it('should count dirtyable memory as free + file LRU + 1 (not the XFS buffer page, not anon, not slab)', () => {
    const { K, k } = withPages({ anon_pages: '1', slab_pages: '1' }, 0, 1, 1);
    expect(K.dirtyable(k)).toBe(0 + 2 + 1);
  });

  it('should round as domain_dirty_limits does: 20% of A=3..5 is 0 pages, of A=6 is 1; background halves when >= the limit', () => {
    const cases: [number, number][] = [[3, 0], [5, 0], [6, 1], [10, 1], [11, 2]];
    for (const [A, T] of cases) {
      const { K, k } = withPages({ dirty_ratio: '20', background_ratio: '10', pages: '8' }, A - 1, 0, 0);
      expect(K.dirtyable(k)).toBe(A);
      expect(K.dirtyThresholds(k).thresh).toBe(T);
    }
    // background 60% >= dirty 50%: Bg = floor(T/2)
    const { K, k } = withPages({ dirty_ratio: '50', background_ratio: '60', pages: '8' }, 7, 0, 0);
    expect(K.dirtyThresholds(k)).toEqual({ thresh: 4, bg: 2 });
  });

  it('should agree with the transcription of §7.2 for every ratio and dirtyable size (fast-check, seeded)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 100 }), fc.integer({ min: 0, max: 100 }), fc.integer({ min: 0, max: 8 }), (ratio, bg, free) => {
        const { K, k } = withPages({ dirty_ratio: String(ratio), background_ratio: String(bg), pages: '8' }, free, 0, 0);
        expect(K.dirtyThresholds(k)).toEqual(reference(ratio, bg, free + 1));
      }),
      { seed: 10, numRuns: 200 },
    );
  });

  it('should keep the page form (dirty_limit) when dirty_ratio=0, and add the PF_LESS_THROTTLE bonus T/4 + DL/32', () => {
    const { K, k } = withPages({ dirty_limit: '4' }, 0, 0, 0);
    expect(K.dirtyThresholds(k).thresh).toBe(4);
    expect(K.dirtyThresholds(k, PF_LESS_THROTTLE).thresh).toBe(5);
    const one = withPages({}, 0, 0, 0);
    expect(one.K.dirtyThresholds(one.k, PF_LESS_THROTTLE).thresh).toBe(1); // rounds to no bonus at the base limit
  });

  it('should throttle in balance_dirty_pages while G >= T and the own wb is dirty (E = 0), with the ratio form', () => {
    // A = 0 free + 2 dirty + 1 = 3; 34% → r' = 1392 → T = 1
    const { K, k } = withPages({ dirty_ratio: '34' }, 0, 1, 1);
    expect(K.dirtyThresholds(k).thresh).toBe(1);
    expect(K.dirtyThrottled(k, EXT4)).toBe(true);
    const clean = { ...k, L0: { ...(k as any).L0, pc: { clean: 1, dirty: 0, wb: 0, locked: 0 } } } as KState;
    expect(K.dirtyThrottled(clean, XFS)).toBe(false); // own wb clean: wb_dirty <= E
    // 20% of A = 3 is T = 0: any dirty page of the own wb throttles (the kernel at tiny memory)
    const tiny = withPages({ dirty_ratio: '20' }, 1, 0, 1);
    expect(tiny.K.dirtyThresholds(tiny.k).thresh).toBe(0);
    expect(tiny.K.dirtyThrottled(tiny.k, EXT4)).toBe(true);
  });

  it("should let a PF_LOCAL_THROTTLE task free-run below its wb's ceiling floor((wb_thresh + wb_bg_thresh)/2), scaled by wb_share", () => {
    // A = 0 + 4 + 1 = 5; 80% → T = 3; 40% → Bg = 1; wb_thresh = 3, wb_bg_thresh = 1, ceiling 2; ext4 own = 1
    const full = withPages({ dirty_ratio: '80', background_ratio: '40', pages: '4' }, 0, 3, 1);
    expect(full.K.dirtyThresholds(full.k)).toEqual({ thresh: 3, bg: 1 });
    expect(full.K.dirtyThrottled(full.k, EXT4)).toBe(true);
    expect(full.K.dirtyThrottled(full.k, EXT4, PF_LOCAL_THROTTLE)).toBe(false);
    // a half share: wb_thresh = 1, wb_bg_thresh = 0, ceiling 0: throttled like anyone
    const half = withPages({ dirty_ratio: '80', background_ratio: '40', wb_share: '50', pages: '4' }, 0, 3, 1);
    expect(half.K.dirtyThrottled(half.k, EXT4, PF_LOCAL_THROTTLE)).toBe(true);
  });
});
