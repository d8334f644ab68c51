/**
 * The matrix's liveness summary (specs/verify/render.ts, livenessLines):
 * whether a fix turns a deadlock into a livelock or leaves one, from cells
 * built by hand (the model has no livelock: test/engine/liveness.kernel.test.ts
 * pins the mutant that has one).
 */
import { livenessLines } from '../../specs/verify/render';
import type { CellResult, MatrixResult } from '../../specs/verify/run';
import type { LivenessVerdict } from '../../specs/verify/expectations';

const col = { id: 'c', title: 'c', kind: 'safety' as const, stack: 's', workload: 'write' as const };
const cell = (fixes: string[], liveness: LivenessVerdict, livelocks: string[] = [], method: 'acyclic' | 'full' = 'acyclic'): CellResult =>
  ({
    row: { fixes, cells: {} },
    rowLabel: fixes.length ? fixes.join(' + ') : 'none',
    column: col,
    actual: { verdict: liveness === 'deadlock-only' ? 'deadlock' : 'holds', classes: [], states: 1, depth: 0, seconds: 0, shortest: [], witness: 'absent', liveness, livelocks, livenessMethod: method },
    diffs: [],
  }) as unknown as CellResult;
const text = (cells: CellResult[]) => livenessLines({ cells, seconds: 0 } as MatrixResult).join(' ').replace(/ {2,}/g, ' ');

describe('the liveness summary of the matrix', () => {
  it('should say no fix turns a deadlock into a livelock when none has one', () => {
    expect(text([cell([], 'deadlock-only'), cell(['f'], 'holds')])).toContain('of 2 safety cells, 1 hold, 1 hang only by deadlock, 0 livelock. No fix turns a deadlock into a livelock, and none leaves one.');
  });

  it('should name the cells where a fix turns a deadlock into a livelock, and where it leaves one, with the classes', () => {
    const t = text([cell([], 'deadlock-only'), cell(['f'], 'livelock', ['kswapd@balance_pgdat'], 'full')]);
    expect(t).toContain('a fix turns a deadlock into a livelock in f x c; no fix leaves a livelock.');
    expect(t).toContain('Decided by the acyclic path (no cycle in the reachable graph) in 1, by the full search in 1.');
    expect(t).toContain('Livelock classes (role@loop point of the tasks that move on the cycle): kswapd@balance_pgdat');
    expect(text([cell([], 'livelock', ['a@x']), cell(['f'], 'livelock', ['a@x'])])).toContain('no fix turns a deadlock into a livelock; a fix leaves a livelock in f x c.');
  });

  it('should print nothing for a matrix without liveness (cost cells only)', () => {
    expect(livenessLines({ cells: [], seconds: 0 } as MatrixResult)).toEqual([]);
  });
});
