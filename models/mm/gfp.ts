/**
 * GFP flags with the kernel's bit values, the composite masks, and the
 * kernel's way of printing a mask.
 *
 * Source: [5.2.1] include/linux/gfp.h (values and composites) and
 * include/trace/events/mmflags.h (`__def_gfpflag_names`, the order in which
 * `show_gfp_flags()` prints composites before single bits).
 *
 * A mask is a plain number whose bit i is `GFP_BITS[i]`, so the numeric value
 * equals the kernel's (`__GFP_IO` = 0x40, `__GFP_FS` = 0x80, ...).
 *
 * @module
 */
import { PF_MEMALLOC_NOFS, PF_MEMALLOC_NOIO } from '../core/task';

/** The `___GFP_*` bits of v5.2, index i = bit i of the kernel value. */
export const GFP_BITS = [
  '__GFP_DMA', // 0x01
  '__GFP_HIGHMEM', // 0x02
  '__GFP_DMA32', // 0x04
  '__GFP_MOVABLE', // 0x08
  '__GFP_RECLAIMABLE', // 0x10
  '__GFP_HIGH', // 0x20
  '__GFP_IO', // 0x40
  '__GFP_FS', // 0x80
  '__GFP_ZERO', // 0x100
  '__GFP_ATOMIC', // 0x200
  '__GFP_DIRECT_RECLAIM', // 0x400
  '__GFP_KSWAPD_RECLAIM', // 0x800
  '__GFP_WRITE', // 0x1000
  '__GFP_NOWARN', // 0x2000
  '__GFP_RETRY_MAYFAIL', // 0x4000
  '__GFP_NOFAIL', // 0x8000
  '__GFP_NORETRY', // 0x10000
  '__GFP_MEMALLOC', // 0x20000
  '__GFP_COMP', // 0x40000
  '__GFP_NOMEMALLOC', // 0x80000
  '__GFP_HARDWALL', // 0x100000
  '__GFP_THISNODE', // 0x200000
  '__GFP_ACCOUNT', // 0x400000
] as const;

/** One GFP bit name. */
export type GfpFlag = (typeof GFP_BITS)[number];

/** A GFP mask (kernel numeric value). */
export type Gfp = number;

const bit = (name: GfpFlag): Gfp => 1 << GFP_BITS.indexOf(name);

export const __GFP_HIGHMEM = bit('__GFP_HIGHMEM');
export const __GFP_MOVABLE = bit('__GFP_MOVABLE');
export const __GFP_HIGH = bit('__GFP_HIGH');
export const __GFP_IO = bit('__GFP_IO');
export const __GFP_FS = bit('__GFP_FS');
export const __GFP_ATOMIC = bit('__GFP_ATOMIC');
export const __GFP_DIRECT_RECLAIM = bit('__GFP_DIRECT_RECLAIM');
export const __GFP_KSWAPD_RECLAIM = bit('__GFP_KSWAPD_RECLAIM');
export const __GFP_RECLAIM = __GFP_DIRECT_RECLAIM | __GFP_KSWAPD_RECLAIM;
export const __GFP_WRITE = bit('__GFP_WRITE');
export const __GFP_NOWARN = bit('__GFP_NOWARN');
export const __GFP_NORETRY = bit('__GFP_NORETRY');
export const __GFP_NOFAIL = bit('__GFP_NOFAIL');
export const __GFP_RETRY_MAYFAIL = bit('__GFP_RETRY_MAYFAIL');
export const __GFP_MEMALLOC = bit('__GFP_MEMALLOC');
export const __GFP_NOMEMALLOC = bit('__GFP_NOMEMALLOC');
export const __GFP_COMP = bit('__GFP_COMP');
export const __GFP_HARDWALL = bit('__GFP_HARDWALL');
export const __GFP_ACCOUNT = bit('__GFP_ACCOUNT');

// Composite masks, [5.2.1] include/linux/gfp.h.
export const GFP_ATOMIC = __GFP_HIGH | __GFP_ATOMIC | __GFP_KSWAPD_RECLAIM;
export const GFP_KERNEL = __GFP_RECLAIM | __GFP_IO | __GFP_FS;
export const GFP_KERNEL_ACCOUNT = GFP_KERNEL | __GFP_ACCOUNT;
export const GFP_NOWAIT = __GFP_KSWAPD_RECLAIM;
export const GFP_NOIO = __GFP_RECLAIM;
export const GFP_NOFS = __GFP_RECLAIM | __GFP_IO;
export const GFP_USER = __GFP_RECLAIM | __GFP_IO | __GFP_FS | __GFP_HARDWALL;
export const GFP_DMA = bit('__GFP_DMA');
export const GFP_DMA32 = bit('__GFP_DMA32');
export const GFP_HIGHUSER = GFP_USER | __GFP_HIGHMEM;
export const GFP_HIGHUSER_MOVABLE = GFP_HIGHUSER | __GFP_MOVABLE;
export const GFP_TRANSHUGE_LIGHT = (GFP_HIGHUSER_MOVABLE | __GFP_COMP | __GFP_NOMEMALLOC | __GFP_NOWARN) & ~__GFP_RECLAIM;
export const GFP_TRANSHUGE = GFP_TRANSHUGE_LIGHT | __GFP_DIRECT_RECLAIM;

/** Named composites, usable wherever a config takes a mask by name. */
export const GFP_COMPOSITES: Readonly<Record<string, Gfp>> = {
  GFP_TRANSHUGE,
  GFP_TRANSHUGE_LIGHT,
  GFP_HIGHUSER_MOVABLE,
  GFP_HIGHUSER,
  GFP_USER,
  GFP_KERNEL_ACCOUNT,
  GFP_KERNEL,
  GFP_NOFS,
  GFP_ATOMIC,
  GFP_NOIO,
  GFP_NOWAIT,
  GFP_DMA,
  GFP_DMA32,
  __GFP_RECLAIM,
};

/**
 * The print order of `__def_gfpflag_names` ([5.2.1] include/trace/events/mmflags.h):
 * an entry is printed when all its bits are still set, and its bits are then removed.
 */
const PRINT_ORDER: readonly (readonly [string, Gfp])[] = [
  ['GFP_TRANSHUGE', GFP_TRANSHUGE],
  ['GFP_TRANSHUGE_LIGHT', GFP_TRANSHUGE_LIGHT],
  ['GFP_HIGHUSER_MOVABLE', GFP_HIGHUSER_MOVABLE],
  ['GFP_HIGHUSER', GFP_HIGHUSER],
  ['GFP_USER', GFP_USER],
  ['GFP_KERNEL_ACCOUNT', GFP_KERNEL_ACCOUNT],
  ['GFP_KERNEL', GFP_KERNEL],
  ['GFP_NOFS', GFP_NOFS],
  ['GFP_ATOMIC', GFP_ATOMIC],
  ['GFP_NOIO', GFP_NOIO],
  ['GFP_NOWAIT', GFP_NOWAIT],
  ['GFP_DMA', GFP_DMA],
  ['__GFP_HIGHMEM', __GFP_HIGHMEM],
  ['GFP_DMA32', GFP_DMA32],
  ['__GFP_HIGH', __GFP_HIGH],
  ['__GFP_ATOMIC', __GFP_ATOMIC],
  ['__GFP_IO', __GFP_IO],
  ['__GFP_FS', __GFP_FS],
  ['__GFP_NOWARN', __GFP_NOWARN],
  ['__GFP_RETRY_MAYFAIL', __GFP_RETRY_MAYFAIL],
  ['__GFP_NOFAIL', __GFP_NOFAIL],
  ['__GFP_NORETRY', __GFP_NORETRY],
  ['__GFP_COMP', __GFP_COMP],
  ['__GFP_ZERO', bit('__GFP_ZERO')],
  ['__GFP_NOMEMALLOC', __GFP_NOMEMALLOC],
  ['__GFP_MEMALLOC', __GFP_MEMALLOC],
  ['__GFP_HARDWALL', __GFP_HARDWALL],
  ['__GFP_THISNODE', bit('__GFP_THISNODE')],
  ['__GFP_RECLAIMABLE', bit('__GFP_RECLAIMABLE')],
  ['__GFP_MOVABLE', __GFP_MOVABLE],
  ['__GFP_ACCOUNT', __GFP_ACCOUNT],
  ['__GFP_WRITE', __GFP_WRITE],
  ['__GFP_RECLAIM', __GFP_RECLAIM],
  ['__GFP_DIRECT_RECLAIM', __GFP_DIRECT_RECLAIM],
  ['__GFP_KSWAPD_RECLAIM', __GFP_KSWAPD_RECLAIM],
];

/**
 * Prints a mask the way the kernel's tracepoints do (`show_gfp_flags`):
 * composites first, e.g. `GFP_HIGHUSER_MOVABLE|__GFP_WRITE`, `GFP_NOFS`,
 * `GFP_NOIO`. The empty mask prints as `0`.
 *
 * @example formatGfp(GFP_NOFS) === 'GFP_NOFS'
 */
export function formatGfp(mask: Gfp): string {
  let rest = mask >>> 0;
  const parts: string[] = [];
  for (const [name, m] of PRINT_ORDER) {
    if (m !== 0 && (rest & m) === m) {
      parts.push(name);
      rest &= ~m;
    }
  }
  if (rest !== 0) parts.push(`0x${rest.toString(16)}`);
  return parts.length === 0 ? '0' : parts.join('|');
}

/** Parses `GFP_NOFS|__GFP_WRITE` (names of composites or bits, `|`-separated) into a mask. */
export function parseGfp(text: string): Gfp {
  let mask = 0;
  for (const raw of text.split('|')) {
    const name = raw.trim();
    if (name === '' || name === '0') continue;
    if (name in GFP_COMPOSITES) mask |= GFP_COMPOSITES[name];
    else if ((GFP_BITS as readonly string[]).includes(name)) mask |= bit(name as GfpFlag);
    else throw new Error(`unknown GFP flag '${name}'`);
  }
  return mask;
}

/** The mask of a list of bit names. */
export const gfpOf = (names: readonly GfpFlag[]): Gfp => names.reduce((m, n) => m | bit(n), 0);

/** [5.2.1] include/linux/sched/mm.h: current_gfp_context. */
export function currentGfpContext(gfp: Gfp, taskFlags: number): Gfp {
  if (taskFlags & PF_MEMALLOC_NOIO) return gfp & ~(__GFP_IO | __GFP_FS);
  if (taskFlags & PF_MEMALLOC_NOFS) return gfp & ~__GFP_FS;
  return gfp;
}
