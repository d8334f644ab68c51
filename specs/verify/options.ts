/**
 * How every cell of the verdict matrix is searched. Kept apart from run.ts so
 * that the renderers (and the CLI's option declarations) do not load the
 * kernel model.
 *
 * @module
 */
import type { CheckOptions } from '../../checker';

/** Exhaustive BFS (shortest traces), 64-bit fingerprint store, every deadlock class, symmetry on. */
export const VERIFY_OPTIONS = { strategy: 'bfs', store: { kind: 'fingerprint' }, allViolations: true, symmetry: true } as const satisfies CheckOptions;
