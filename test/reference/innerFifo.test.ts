/**
 * The ported TLA+ model kept as the porting example (docs/porting.md):
 * Specifying Systems' InnerFIFO with MCInnerFIFO.cfg, whose TLC result is
 * recorded in tlaplus/Examples (specifications/SpecifyingSystems/manifest.json:
 * 3,864 distinct states, 9,660 states generated, depth 11).
 */
import { check } from '../../checker';
import { naiveExplore } from '../helpers/naiveExplorer';
import { gfpcheck } from '../cli/helpers';
import { innerFifo } from '../../specs/reference/innerFifo';

describe('InnerFIFO (MCInnerFIFO.cfg: Message = {m1, m2, m3}, qLen = 3)', () => {
  it("should give TLC's recorded counts: 3,864 distinct, 9,660 generated; depth 10 (TLC: 11)", () => {
    const r = check(innerFifo(), { store: { kind: 'exact' } });
    expect(r.status).toBe('holds');
    expect([r.stats.distinctStates, r.stats.statesGenerated, r.stats.depth]).toEqual([3864, 9660, 10]);
    expect(r.properties.map((p) => [p.name, p.status])).toEqual([
      ['TypeInvariant', 'holds'],
      ['deadlock', 'holds'],
      ['the queue is full', 'reached'],
    ]);
  });

  it('should agree with the naive explorer, with and without symmetry over the messages', () => {
    for (const qLen of [1, 2, 3]) {
      const naive = naiveExplore(innerFifo({ qLen }), { limit: 10_000 });
      const off = check(innerFifo({ qLen }), { store: { kind: 'exact' } });
      const on = check(innerFifo({ qLen, symmetry: true }), { store: { kind: 'exact' } });
      expect([qLen, off.stats.distinctStates, on.stats.distinctStates]).toEqual([qLen, naive.reachable, naive.orbits]);
    }
  });

  it('should run from the command line with its constants, and refuse an unknown one', async () => {
    const ok = await gfpcheck(['check', 'specs/reference/innerFifo.ts', '--const', 'qLen=2', '--store', 'exact']);
    expect(ok.code).toBe(0);
    expect(ok.out).toContain('Len(q) <= 2');
    const bad = await gfpcheck(['check', 'specs/reference/innerFifo.ts', '--const', 'qlen=2']);
    expect(bad.code).toBe(151);
    expect(bad.err).toContain("did you mean 'qLen'?");
  });
});
