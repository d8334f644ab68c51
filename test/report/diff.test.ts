/**
 * The generic deep diff behind `-difftrace`-style traces.
 */
import { deepEqual, diffStates, isLeaf, topLevel } from '../../checker/report';

describe('diffStates', () => {
  it('should report only the changed leaves, with JS-like paths', () => {
    // Arrange
    const before = { tasks: [{ name: 'a', stack: [] }, { name: 'b', stack: ['f'] }], io: { 'dm-zoned': { work: 0 } }, n: 1 };
    const after = { tasks: [{ name: 'a', stack: [] }, { name: 'b', stack: ['g', 'f'] }], io: { 'dm-zoned': { work: 1 } }, n: 1 };
    // Act
    const d = diffStates(before, after);
    // Assert
    expect(d).toEqual([
      { path: 'tasks[1].stack', value: ['g', 'f'] },
      { path: 'io["dm-zoned"].work', value: 1 },
    ]);
  });

  it('should report an array of scalars whole, even when only one element changed', () => {
    expect(diffStates({ fork: [false, false, true] }, { fork: [true, false, true] })).toEqual([{ path: 'fork', value: [true, false, true] }]);
  });

  it('should descend into arrays of records of the same length', () => {
    expect(diffStates({ p: [{ x: 1 }, { x: 2 }] }, { p: [{ x: 1 }, { x: 3 }] })).toEqual([{ path: 'p[1].x', value: 3 }]);
  });

  it('should report a record whose keys changed, or a value whose type changed, at its own path', () => {
    expect(diffStates({ r: { a: 1 } }, { r: { a: 1, b: 2 } })).toEqual([{ path: 'r', value: { a: 1, b: 2 } }]);
    expect(diffStates({ w: null }, { w: { on: 'x' } })).toEqual([{ path: 'w', value: { on: 'x' } }]);
    expect(diffStates({ q: [{ a: 1 }] }, { q: [{ a: 1 }, { a: 2 }] })).toEqual([{ path: 'q', value: [{ a: 1 }, { a: 2 }] }]);
  });

  it('should find nothing between equal states, whatever their key order', () => {
    expect(diffStates({ a: 1, b: [1, { c: 2 }] }, { b: [1, { c: 2 }], a: 1 })).toEqual([]);
    expect(deepEqual({ a: 1, b: 2 }, { b: 2, a: 1 })).toBe(true);
    expect(deepEqual([1, 2], [2, 1])).toBe(false);
  });

  it('should handle states that are not records', () => {
    expect(diffStates(1, 2)).toEqual([{ path: '', value: 2 }]);
    expect(topLevel(7)).toEqual([{ path: '', value: 7 }]);
    expect(topLevel({ x: 1, 'y-z': 2 })).toEqual([
      { path: 'x', value: 1 },
      { path: '["y-z"]', value: 2 },
    ]);
  });

  it('isLeaf: scalars and arrays of scalars', () => {
    expect([isLeaf(1), isLeaf('s'), isLeaf(null), isLeaf([1, 'a']), isLeaf([]), isLeaf([{}]), isLeaf({})]).toEqual([true, true, true, true, true, false, false]);
  });
});
