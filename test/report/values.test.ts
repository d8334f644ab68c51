/**
 * How values and numbers are written in text reports.
 */
import { formatCount, formatOutline, formatProbability, formatValue, joinPath } from '../../checker/report';

describe('values', () => {
  it.each([
    [null, 'null'],
    [true, 'true'],
    [3, '3'],
    ['a"b', '"a\\"b"'],
    [[1, 'x', [true]], '[1, "x", [true]]'],
    [{ a: 1, 'b-c': [] }, '{a: 1, "b-c": []}'],
    [{}, '{}'],
  ])('formatValue(%j) = %s', (v, text) => {
    expect(formatValue(v)).toBe(text);
  });

  it.each([
    [0, '0'],
    [999, '999'],
    [1234567, '1,234,567'],
    [-1234, '-1,234'],
  ])('formatCount(%d) = %s', (n, text) => {
    expect(formatCount(n)).toBe(text);
  });

  it.each([
    [0, '0'],
    [1.1384122811097797e-17, '1.1E-17'],
    [0.5, '5.0E-1'],
    [1, '1.0E0'],
  ])('formatProbability(%d) = %s', (p, text) => {
    expect(formatProbability(p)).toBe(text);
  });

  it('joinPath writes identifiers with dots, indexes and other keys in brackets', () => {
    expect(joinPath(joinPath(joinPath('', 'tasks'), 1), 'stack')).toBe('tasks[1].stack');
    expect(joinPath('io', 'dm-zoned')).toBe('io["dm-zoned"]');
  });

  it('formatOutline writes records and lists as an indented outline', () => {
    expect(formatOutline({ cycle: [{ task: 'tcmu-runner', at: 'xfs_buf_iowait' }], empty: [], n: 2 }, '  ')).toEqual([
      '  cycle:',
      '    - task: tcmu-runner',
      '      at: xfs_buf_iowait',
      '  empty: []',
      '  n: 2',
    ]);
  });
});
