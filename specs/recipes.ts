/**
 * Recipes (checker's `SpecRecipe`) by which worker threads rebuild this
 * project's specs: `--workers` on `check`, and `verify`'s cells.
 *
 * @module
 */
import * as path from 'path';
import type { SpecRecipe } from '../checker';
import type { FixedStackOptions } from './fixes/spec';

/** A composed stack with fixes and kernel profile: `buildFixedStackSpec(opts)` in specs/fixes/spec. */
export function stackRecipe(opts: FixedStackOptions): SpecRecipe {
  return { module: path.join(__dirname, 'fixes', 'spec'), exportName: 'buildFixedStackSpec', args: [opts] };
}

/** The same with the kernel liveness properties: `buildFixedStackSpecWithLiveness(opts)` in specs/livenessStack. */
export function stackLivenessRecipe(opts: FixedStackOptions): SpecRecipe {
  return { module: path.join(__dirname, 'livenessStack'), exportName: 'buildFixedStackSpecWithLiveness', args: [opts] };
}

/** A reference model by name: `buildReferenceSpec(name, consts)` in specs/cli. */
export function referenceRecipe(name: string, consts: Readonly<Record<string, number>>): SpecRecipe {
  return { module: path.join(__dirname, 'cli'), exportName: 'buildReferenceSpec', args: [name, consts] };
}
