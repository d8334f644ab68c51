/**
 * Issue 15, defect 1: hash compaction (and fingerprints) never give a wrong
 * "holds". The omission bound is a test at --max-omission P (default 1e-6):
 * above it the run is incomplete (exit 152) and says which store would do.
 */
import * as path from 'path';
import { check, int } from '../../checker';
import type { Spec } from '../../checker';
import { DEFAULT_MAX_OMISSION, fingerprintBound, sternDill, sternDillExponent, storeAdvice } from '../../checker/store';
import { counter } from '../../specs/reference';
import { gfpcheck } from '../cli/helpers';

const CHAIN = path.join(__dirname, 'fixtures', 'chain.ts');

describe('hash compaction: a run above --max-omission is incomplete', () => {
  it('should not say holds for the 4,000-state chain with compact:8 in 2^13 slots (exit 152, not 0)', async () => {
    const r = await gfpcheck(['check', CHAIN, '--store', 'compact:8', '--capacity', '2^13', '--format', 'json']);
    const report = JSON.parse(r.out);
    expect(r.code).toBe(152);
    expect(report.result).toBe('incomplete');
    expect(report.complete).toBe(false);
    expect(report.exact).toBe(false);
    expect(report.omissionProbability).toBeGreaterThan(DEFAULT_MAX_OMISSION);
    expect(report.incompleteReason).toMatch(/omission bound .* is above --max-omission 0\.000001/);
    expect(report.incompleteReason).toMatch(/--store compact:\d+ --capacity 2\^\d+ .*--store exact/);
    expect(report.properties.find((p: { name: string }) => p.name === 'NotEnd').status).toBe('unknown');
  });

  it('should find the violation of the chain with the default store (exit 12), as the issue says', async () => {
    const r = await gfpcheck(['check', CHAIN]);
    expect(r.code).toBe(12);
    expect(r.out).toMatch(/^Exact visited set|^Estimates of the probability/m);
  });

  it('should not say holds for counter k=5 m=10 with compact:8 (99,998 of 100,000 states stored)', () => {
    const r = check(counter({ k: 5, m: 10 }), { store: { kind: 'compact', bits: 8 } });
    expect(r.stats.distinctStates).toBeLessThan(100000);
    expect([r.status, r.complete, r.exact]).toEqual(['incomplete', false, false]);
    expect(r.omissionProbability).toBeGreaterThan(0.9);
  });

  it('should say holds for counter k=5 m=10 with compact:64 (bound below 1e-6), exact: false', () => {
    const r = check(counter({ k: 5, m: 10 }), { store: { kind: 'compact', bits: 64 }, capacity: 2 ** 18 });
    expect([r.status, r.complete, r.exact, r.stats.distinctStates]).toEqual(['holds', true, false, 100000]);
    expect(r.omissionProbability).toBeLessThan(1e-6);
    expect(r.omissionProbability).toBeGreaterThan(0);
  });

  it('should accept the risk when --max-omission allows it, and reject bad values (151)', async () => {
    const ok = await gfpcheck(['check', 'counter', '--const', 'k=3', '--store', 'compact:8', '--capacity', '2^12', '--max-omission', '1']);
    expect(ok.code).toBe(0);
    for (const bad of ['2', '-1', 'x', '1e']) {
      const r = await gfpcheck(['check', 'counter', '--max-omission', bad]);
      expect([r.code, r.err]).toEqual([151, expect.stringContaining('--max-omission must be a probability')]);
    }
  });

  it('should report exact: true and omission 0 for the exact store', () => {
    const r = check(counter({ k: 2, m: 3 }), { store: { kind: 'exact' } });
    expect([r.exact, r.omissionProbability, r.status]).toEqual([true, 0, 'holds']);
  });
});

describe('the bounds themselves (re-derived; store.ts, sternDill)', () => {
  it('should sum i/(m-i+1) for the Stern-Dill exponent, and agree with the asymptotic form', () => {
    expect(sternDillExponent(10, 3)).toBeCloseTo(1 / 10 + 2 / 9, 12);
    const m = 2 ** 27;
    const n = 150000; // asymptotic branch
    let e = 0;
    for (let i = 1; i < n; i++) e += i / (m - i + 1);
    expect(sternDillExponent(m, n) / e).toBeCloseTo(1, 9);
  });

  it('should reproduce the survey worked numbers (m=2^27, n=10^8: 7.6e-5 at 40 bits, 4.5e-12 at 64 bits)', () => {
    expect(sternDill(2 ** 27, 1e8, 40)).toBeCloseTo(7.6e-5, 6);
    expect(sternDill(2 ** 27, 1e8, 64) / 4.5e-12).toBeCloseTo(1, 1);
  });

  it('should use the birthday bound n(n-1)/2^65 for fingerprints, counted at stored+1', () => {
    expect(fingerprintBound(2)).toBe(2 / 2 ** 65);
    const r = check(counter({ k: 2, m: 3 }), { store: { kind: 'fingerprint' } });
    expect(r.stats.omissionProbability).toBe(fingerprintBound(r.stats.distinctStates + 1));
  });

  it('should make a fingerprint run above the threshold incomplete too', () => {
    const spec: Spec<{ x: number }> = { name: 'c', variables: { x: int(0, 9) }, init: () => [{ x: 0 }], actions: [{ name: 'I', next: (s) => (s.x < 9 ? { x: s.x + 1 } : undefined) }], checkDeadlock: false };
    const r = check(spec, { store: { kind: 'fingerprint' }, maxOmission: 1e-40 });
    expect([r.status, r.complete]).toEqual(['incomplete', false]);
    expect(r.incompleteReason).toMatch(/--store exact/);
  });

  it('should advise a store whose bound is below the threshold', () => {
    expect(storeAdvice(769, 1e-6)).toMatch(/^--store compact:40 --capacity 2\^11 /);
    expect(storeAdvice(1e9, 1e-6)).toMatch(/--store compact:\d+ --capacity 2\^31/);
  });
});
