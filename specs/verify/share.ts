/**
 * Shared searches: cells of the verdict matrix (and of the bound ladder) whose
 * models are provably identical run one search (docs/architecture.md, "Shared
 * searches").
 *
 * A cell's search is a function of what is the same for every cell of its
 * share group (the stack, the workload, the column kind, whether it carries
 * the liveness properties, the params given, the check options, the code)
 * and of two inputs that differ between rows: the resolved KernelConfig
 * (kernel profile + fix deltas) and the parsed params. A cell is searched
 * with both wrapped in read-recording proxies (reads.ts) for its whole run,
 * spec construction included; a later cell of the same group whose inputs
 * agree with every read of an earlier searched cell gets that cell's result
 * without a search. What differs between such cells outside the search (the
 * fix names in the spec's params and description) comes from the cell's own
 * spec, built without a search.
 *
 * A cell that names a fix module (`./my-fix.ts`) is never shared: a module's
 * code is not data the proxies can see.
 *
 * @module
 */
import * as path from 'path';
import type { Spec, SpecRecipe } from '../../checker';
import { isFixModuleRef } from '../fixes';
import { buildFixedStackSpec } from '../fixes/spec';
import type { FixedStackOptions } from '../fixes/spec';
import { withKernelLiveness } from '../liveness';
import { ReadTracker } from './reads';
import type { ReadSet } from './reads';

export type { ReadSet };

/** What a tracked spec's `annotate()` returns (CheckResult.annotations). */
export interface TrackedAnnotations {
  readonly reads: ReadSet;
}

/**
 * The spec of a cell with its config and params tracked: `annotate()` gives
 * what the construction and the search read. A recipe target (worker threads).
 */
export function buildTrackedCellSpec(opts: FixedStackOptions, liveness: boolean): Spec<any> {
  const tracker = new ReadTracker();
  const built = buildFixedStackSpec({ ...opts, track: (name, value) => tracker.wrap(name, value) });
  const spec = liveness ? withKernelLiveness(built) : built;
  return { ...spec, annotate: (): TrackedAnnotations => ({ reads: tracker.reads() }) };
}

/** The recipe of `buildTrackedCellSpec(opts, liveness)`. */
export function trackedRecipe(opts: FixedStackOptions, liveness: boolean): SpecRecipe {
  return { module: path.join(__dirname, 'share'), exportName: 'buildTrackedCellSpec', args: [opts, liveness] };
}

/** The inputs a cell's model would be given (untracked), or undefined when its spec cannot be built. */
export function cellInputs(opts: FixedStackOptions): Record<string, unknown> | undefined {
  const inputs: Record<string, unknown> = {};
  try {
    buildFixedStackSpec({
      ...opts,
      track: (name, value) => {
        inputs[name] = value;
        return value;
      },
    });
  } catch {
    return undefined;
  }
  return inputs;
}

/**
 * The share group of a cell: everything its search depends on besides the
 * tracked inputs; undefined when the cell must never share (a fix module, a
 * layer module).
 */
export function shareGroup(opts: FixedStackOptions, kind: string, liveness: boolean): string | undefined {
  if ((opts.fixes ?? []).some(isFixModuleRef) || (opts.layers ?? []).length > 0) return undefined;
  const params = Object.entries(opts.params ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return JSON.stringify([opts.stack, opts.workload ?? 'write', kind, liveness, params]);
}

/** The read set in a check's annotations, if the spec was tracked. */
export function readsOf(annotations: unknown): ReadSet | undefined {
  const a = annotations as Partial<TrackedAnnotations> | undefined;
  return a && typeof a === 'object' && a.reads && Array.isArray(a.reads.entries) ? a.reads : undefined;
}
