/**
 * Vacuity warnings from action coverage (TLC's -coverage, SPIN's unreached code).
 */
import { check, int, Spec } from '../../checker';
import { buildReport, renderText } from '../../checker/report';

const OPTIONS = { strategy: 'bfs', store: 'exact', symmetry: true, allViolations: false } as const;

describe('coverage warnings', () => {
  it('should warn about an action that is never enabled in a complete search', () => {
    // Arrange: Jump needs x = 5, which is unreachable.
    const spec: Spec<{ x: number }> = {
      name: 'dead-action',
      variables: { x: int(0, 5) },
      init: () => [{ x: 0 }],
      actions: [
        { name: 'Inc', next: (s) => (s.x < 3 ? { x: s.x + 1 } : undefined) },
        { name: 'Jump', next: (s) => (s.x === 5 ? { x: 0 } : undefined) },
      ],
      terminal: (s) => s.x === 3,
    };
    // Act
    const text = renderText(buildReport(check(spec), { version: '0', spec, source: 'test', options: OPTIONS }));
    // Assert
    expect(text).toMatch(/^WARNING: action never enabled in any reachable state: Jump\.$/m);
    expect(text).not.toMatch(/\bInc\b.*never enabled/);
  });
});
