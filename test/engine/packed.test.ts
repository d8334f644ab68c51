import { check, compileLayout, int, PackedSpec } from '../../checker';

describe('packed API', () => {
  it('should report a packed action writing a value outside its domain as MC201 naming action, variable and value', () => {
    // Arrange: x ∈ 0..9 takes 4 bits, so the packing could hold 15.
    const variables = { x: int(0, 9) };
    const layout = compileLayout(variables);
    const x = layout.leaf('x');
    const spec: PackedSpec = {
      name: 'overflow',
      variables,
      checkDeadlock: false,
      init: () => [{ x: 0 }],
      packed: [{ name: 'Inc', fire: (src, dst) => (layout.set(dst, x, layout.get(src, x) + 1), true) }],
    };
    // Act
    const r = check(spec);
    // Assert
    expect([r.status, r.error?.code]).toEqual(['error', 'MC201']);
    expect(r.error?.message).toMatch(/Inc.*x = 10 .*0\.\.9/);
  });
});
