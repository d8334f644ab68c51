/**
 * The command line of the porting API (issue 13): --deadlock-semantics,
 * unknown --const keys of spec modules, and the trace of an exception in an
 * action (MC202).
 */
import * as path from 'path';
import { Report } from '../../checker/report';
import { FIXTURES, gfpcheck } from './helpers';

const fixture = (f: string): string => path.join(FIXTURES, f);

describe('--const for spec modules', () => {
  it('should reject a constant the factory never reads (exit 151), suggesting the one it does', async () => {
    const r = await gfpcheck(['check', fixture('factory.ts'), '--const', 'N=3']);
    expect(r.code).toBe(151);
    expect(r.err).toContain(`has no constant 'N'`);
    expect(r.err).toMatch(/did you mean 'n'\?/);
    expect(r.out).toBe('');
  });

  it('should accept the constants the factory reads', async () => {
    const r = await gfpcheck(['check', fixture('factory.ts'), '--const', 'n=4', '--const', 'limit=99']);
    expect(r.code).toBe(0);
  });
});

describe('an exception in an action (MC202)', () => {
  it('should print the behaviour up to the failing state, as TLC does', async () => {
    const r = await gfpcheck(['check', fixture('throws.ts')]);
    expect(r.code).toBe(150);
    expect(r.out).toContain('Error: action Step threw: boom in Step\nError code MC202 (see docs/error-codes.md).\nError: The behavior up to this point is:\nState 1: <Initial predicate>\n/\\ x = 0\n\nState 2: <Step>\n/\\ x = 1\n');
  });

  it('should carry the trace in the JSON report, and render it back', async () => {
    const r = await gfpcheck(['check', fixture('throws.ts'), '--format', 'json', '--out', '/virtual/t.json', '--quiet']);
    const report = JSON.parse(r.io.files.get('/virtual/t.json')!) as Report;
    expect(report.error?.trace?.map((t) => t.state)).toEqual([{ x: 0 }, { x: 1 }]);
    const text = await gfpcheck(['check', fixture('throws.ts')]);
    const rendered = await gfpcheck(['render', '/virtual/t.json'], { files: { '/virtual/t.json': r.io.files.get('/virtual/t.json')! } });
    expect(rendered.out).toBe(text.out);
  });
});

describe('--deadlock-semantics', () => {
  it("should turn a stutter-only state from a deadlock into a pass with 'tlc'", async () => {
    // x climbs to n and then only Stay (x' = x) is enabled: a deadlock for gfpcheck, not for TLC.
    const spec = fixture('stutter.ts');
    const ours = await gfpcheck(['check', spec]);
    const tlc = await gfpcheck(['check', spec, '--deadlock-semantics', 'tlc']);
    expect([ours.code, tlc.code]).toEqual([11, 0]);
    expect(tlc.out).toContain('--deadlock-semantics tlc');
  });

  it('should reject another value (exit 151)', async () => {
    const r = await gfpcheck(['check', 'diehard', '--deadlock-semantics', 'spin']);
    expect(r.code).toBe(151);
  });
});
