/**
 * What a proposed fix is: a small named delta on the composed model's
 * KernelConfig (the v5.2 defaults in models/core/config.ts), with where it came
 * from and which kernel mechanism it changes.
 *
 * A fix never copies the model and never adds a branch on its own name in the
 * mm core: everything it does goes through the mechanism-level knobs of
 * `KernelConfig` (mapping masks, memalloc scopes at frames, initial task
 * flags, allocation-site masks, bio-carried scope, XFS inode reclaim mode).
 *
 * @module
 */
import type { KernelConfig } from '../../models';

/**
 * A `Partial<KernelConfig>` whose record fields may themselves be partial
 * (only the filesystems, roles and allocation sites a fix touches):
 * `resolveConfig` merges record fields key by key.
 */
export type FixDelta = {
  readonly [K in keyof KernelConfig]?: KernelConfig[K] extends readonly unknown[]
    ? KernelConfig[K]
    : KernelConfig[K] extends object
      ? Partial<KernelConfig[K]>
      : KernelConfig[K];
};

/**
 * The name of the cost witness (see specs/fixes/spec.ts): Andreas Dilger's
 * objection as a reachability property. Here, not in spec.ts, so that
 * renderers can name it without loading the kernel model.
 */
export const COST_WITNESS = 'app-reclaim-enters-super_cache_scan-with-__GFP_FS';

/** A proposed fix from the 2019 thread (or a related kernel change), as a KernelConfig delta. */
export interface Fix {
  /** The name used on the command line (`--fix <name>`) and in the verdict matrix. */
  readonly name: string;
  /** One line saying what the fix does. */
  readonly title: string;
  /** Who proposed (or wrote) it. */
  readonly proposedBy: string;
  /** Thread message, date or commit where it was proposed. */
  readonly where: string;
  /** The kernel function(s) it changes, with the kernel-semantics.md section. */
  readonly mechanism: string;
  /** Where and when it was merged, if it was (absent: never merged). */
  readonly merged?: string;
  /** How faithfully the model's knobs express it (absent: exactly). */
  readonly modelNote?: string;
  /** The change to the v5.2 KernelConfig. */
  readonly delta: FixDelta;
}
