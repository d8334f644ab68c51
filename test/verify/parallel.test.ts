/**
 * `verify` with its cells on worker threads gives the matrix of one thread:
 * the same cells in the same (row) order, the same verdicts, classes, state
 * counts, depths, shortest traces and results (timings aside).
 */
import { closePool } from '../../checker/parallel/pool';
import { runMatrix } from '../../specs/verify/run';
import type { CellResult } from '../../specs/verify/run';
import { subset } from './helpers';

jest.setTimeout(600_000);
afterAll(() => closePool());

const view = (c: CellResult) => {
  const { seconds: _s, ...actual } = c.actual;
  const { seconds: _t, statesPerSecond: _p, liveness, ...stats } = c.result.stats;
  // the liveness analysis time is a timing too (a worker thread reads its own clock)
  return { row: c.rowLabel, column: c.column.id, actual, diffs: c.diffs, result: { ...c.result, stats: { ...stats, ...(liveness ? { liveness: { ...liveness, seconds: 0 } } : {}) } } };
};

test('2 threads, 6 cells: the one-thread matrix, in row order', () => {
  const e = subset(['none', 'io-flusher', 'ext4-mapping-nofs'], ['2019-thread', 'cost-ext4']);
  const order: string[] = [];
  const one = runMatrix(e, { clock: () => 0, workers: 1 });
  const two = runMatrix(e, { clock: () => 0, workers: 2, onCell: (c) => order.push(`${c.rowLabel}/${c.column.id}`) });
  if (!one.ok || !two.ok) throw new Error('matrix failed');
  expect(two.value.cells.map(view)).toEqual(one.value.cells.map(view));
  expect(order).toEqual(one.value.cells.map((c) => `${c.rowLabel}/${c.column.id}`));
  expect(two.value.cells.length).toBe(6);
});
