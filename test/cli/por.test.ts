/**
 * `check --por / --no-por / --check-footprints` from the command line: the
 * report says whether the reduction was used and how the traces were
 * obtained; a wrong footprint is MC205, exit 150.
 */
import * as path from 'path';
import { FIXTURES, gfpcheck } from './helpers';

const spec = path.join(FIXTURES, 'footprints.ts');

describe('gfpcheck check --por', () => {
  it('reduces by default, with the same deadlock trace as --no-por', async () => {
    const on = await gfpcheck(['check', spec, '--format', 'json', '--store', 'exact']);
    const off = await gfpcheck(['check', spec, '--format', 'json', '--store', 'exact', '--no-por']);
    expect([on.code, off.code]).toEqual([11, 11]);
    const a = JSON.parse(on.out);
    const b = JSON.parse(off.out);
    expect(a.violations).toEqual(b.violations);
    expect(a.violations[0].trace).toHaveLength(10);
    expect([a.stats.distinctStates, b.stats.distinctStates]).toEqual([10, 64]);
    expect(a.stats.por).toMatchObject({ status: 'on', reducedStates: 6, prunedTransitions: 9, traceSearchStates: 64 });
    expect(a.stats.por.traces).toBe('shortest in the unreduced graph: a breadth-first search without reduction to depth 9 (64 states)');
    expect(b.stats.por).toEqual({ status: 'off (--no-por)' });
  });

  it('prints a Partial-order reduction line in text', async () => {
    const r = await gfpcheck(['check', spec, '--check-footprints']);
    expect(r.out).toMatch(/^Partial-order reduction: on; 6 states expanded through a stubborn set, 9 enabled transitions left out, 0 states fully expanded by the proviso; footprints checked on 10 states; traces: shortest in the unreduced graph: a breadth-first search without reduction to depth 9 \(64 states\)\.$/m);
  });

  it('reports a wrong footprint as MC205, exit 150', async () => {
    const r = await gfpcheck(['check', spec, '--const', 'wrong=true', '--check-footprints']);
    expect(r.code).toBe(150);
    expect(r.out).toContain('Error: action Inc(0) has a wrong footprint: it changed c[0], which its footprint does not declare written (writes: [c[1]])');
    expect(r.out).toContain('Error code MC205 (see docs/error-codes.md).');
  });

  it('rejects --por --no-por', async () => {
    const r = await gfpcheck(['check', spec, '--por', '--no-por']);
    expect(r.code).toBe(151);
    expect(r.err).toContain('--por and --no-por conflict');
  });
});
