/**
 * A composed stack with fixes and kernel profile, with the kernel liveness
 * properties (specs/liveness.ts): what `check --stack` and `verify`'s safety
 * cells check by default. Kept apart from specs/liveness.ts, which reads only
 * a built spec and does not load models/.
 *
 * @module
 */
import type { Spec } from '../checker';
import { buildFixedStackSpec, FixedStackOptions } from './fixes/spec';
import { withKernelLiveness } from './liveness';

/** `buildFixedStackSpec(opts)` with the liveness properties (a recipe target for worker threads). */
export function buildFixedStackSpecWithLiveness(opts: FixedStackOptions): Spec<any> {
  return withKernelLiveness(buildFixedStackSpec(opts));
}
