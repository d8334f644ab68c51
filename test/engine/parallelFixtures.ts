/**
 * Specs for test/engine/parallel.test.ts that worker threads rebuild by recipe.
 *
 * @module
 */
import { int, Spec } from '../../checker/index';

/** A counter whose step throws once it reaches `depth`: a spec error in the middle of a search. */
export function throwsAtDepth(depth: number): Spec<{ x: number; y: number }> {
  return {
    name: 'throws-at-depth',
    variables: { x: int(0, 9), y: int(0, 1) },
    init: () => [{ x: 0, y: 0 }],
    actions: [
      {
        name: 'step',
        next: (s) => {
          if (s.x >= depth) throw new Error(`boom at x=${s.x}`);
          return { ...s, x: s.x + 1 };
        },
      },
      { name: 'flip', next: (s) => ({ ...s, y: 1 - s.y }) },
    ],
  };
}
