/**
 * `Layout.validWords` (layout.ts), the generated field test the packed API's
 * successors go through, against `invalidLeaf`, which it must agree with on
 * every word vector: random layouts (ints, enums, bools, bit sets, ids,
 * arrays and records of them, sequences) and random words, fast-check, seeded.
 */
import fc from 'fast-check';
import { array, bool, compileLayout, enumOf, int, optId, id, record, seqOf, bits } from '../../checker/index';
import type { Domain } from '../../checker/index';

const leafArb: fc.Arbitrary<Domain> = fc.oneof(
  fc.tuple(fc.integer({ min: -5, max: 5 }), fc.integer({ min: 0, max: 40 })).map(([lo, span]) => int(lo, lo + span)),
  fc.integer({ min: 1, max: 7 }).map((n) => enumOf(Array.from({ length: n }, (_, i) => `v${i}`))),
  fc.constant(bool()),
  fc.integer({ min: 1, max: 5 }).map((n) => bits(Array.from({ length: n }, (_, i) => `b${i}`))),
  fc.constant(id('P')),
  fc.constant(optId('P')),
);
const domainArb: fc.Arbitrary<Domain> = fc.oneof(
  { weight: 3, arbitrary: leafArb },
  { weight: 1, arbitrary: fc.tuple(fc.integer({ min: 1, max: 4 }), leafArb).map(([n, d]) => array(n, d)) },
  { weight: 1, arbitrary: fc.tuple(leafArb, leafArb).map(([a, b]) => record({ a, b })) },
  { weight: 1, arbitrary: fc.tuple(fc.integer({ min: 1, max: 3 }), leafArb).map(([n, d]) => seqOf(n, d)) },
);

describe('Layout.validWords agrees with invalidLeaf', () => {
  test('random layouts, random words (and the words of valid states)', () => {
    fc.assert(
      fc.property(
        fc.array(domainArb, { minLength: 1, maxLength: 6 }),
        fc.integer({ min: 1, max: 5 }),
        fc.array(fc.array(fc.integer({ min: 0, max: 2 ** 32 - 1 }), { minLength: 8, maxLength: 8 }), { minLength: 1, maxLength: 30 }),
        fc.array(fc.nat(), { minLength: 1, maxLength: 30 }),
        (domains, p, randomWords, small) => {
          const vars: Record<string, Domain> = {};
          domains.forEach((d, i) => (vars[`x${i}`] = d));
          const layout = compileLayout(vars, { P: p });
          const check = (w: Uint32Array): void => expect(layout.validWords(w)).toBe(layout.invalidLeaf(w) === undefined);
          for (const ws of randomWords) check(Uint32Array.from(ws.slice(0, layout.words).concat(Array(Math.max(0, layout.words - 8)).fill(0))));
          // Small raw values: mostly valid, sometimes one field just past its domain.
          for (const n of small) {
            const w = new Uint32Array(layout.words);
            layout.leaves.forEach((l, i) => {
              const raw = (n >> i) & 1 ? (i * 7 + n) % (l.mask + 1) : 0;
              w[l.word] = (w[l.word] | ((raw & l.mask) << l.shift)) >>> 0;
            });
            check(w);
          }
        },
      ),
      { seed: 9, numRuns: 300 },
    );
  });
});
