/**
 * The chunk expander of the parallel search (checker/parallel/expand.ts) on
 * its own: what it sends the coordinator. With the fingerprint store, a
 * successor whose fingerprint the same expander already sent in this BFS
 * level is dropped (the coordinator's insert would reject it: it comes later
 * in the sequential order); per-state counts and coverage never change; a new
 * level starts afresh; the exact store gets every successor.
 */
import { compile } from '../../checker/compile';
import { createExpander, ExpandConfig } from '../../checker/parallel/expand';
import { FingerprintStore } from '../../checker/store';
import { H } from '../../checker/hash';
import { counterPacked } from '../../specs/reference/counter';

const cfg = (storeKind: ExpandConfig['storeKind']): ExpandConfig => ({ symmetry: true, permLimit: 5040, storeKind, checkDeadlock: true });

describe('parallel chunk expander', () => {
  const c = compile(counterPacked({ k: 3, m: 4 }));
  const W = c.words;
  const init = c.initStates()[0];
  const on = new Uint8Array(c.invariantNames.length).fill(1);
  const wit = new Uint8Array(c.witnessNames.length).fill(1);
  // Two states of level 1 that share the successor c = (1, 1, 0): (1, 0, 0) and (0, 1, 0).
  const level1 = (): Uint32Array => {
    const r = createExpander(c, cfg('exact')).expand(init, 1, false, undefined, on, wit, 0);
    return r.words.slice(0, 2 * W);
  };

  test('a successor already sent in the level is dropped; counts and coverage are kept', () => {
    const ex = createExpander(c, cfg('fingerprint'));
    const table = new FingerprintStore(true).table;
    const states = level1();
    const a = ex.expand(states.slice(0, W), 1, false, table, on, wit, 1);
    const b = ex.expand(states.slice(W, 2 * W), 1, false, table, on, wit, 1);
    expect([a.nGen[0], a.nSucc[0], a.nCand[0]]).toEqual([3, 3, 3]);
    // (0, 1, 0) → (1, 1, 0) was sent with the first chunk.
    expect([b.nGen[0], b.nSucc[0], b.nCand[0]]).toEqual([3, 3, 2]);
    expect(Array.from(b.coverage)).toEqual([3]);
    expect(Array.from(b.actions)).toEqual([0, 0, 0]);
    // The same chunk at the next level: everything is sent again.
    const again = ex.expand(states.slice(W, 2 * W), 1, false, table, on, wit, 2);
    expect(again.nCand[0]).toBe(3);
    expect(Array.from(again.ords)).toEqual([0, 1, 2]);
    expect(Array.from(b.ords)).toEqual([1, 2]);
  });

  test('a successor in the shared visited set is dropped', () => {
    const store = new FingerprintStore(true);
    const ex = createExpander(c, cfg('fingerprint'));
    const first = ex.expand(init, 1, false, store.table, on, wit, 0);
    expect(first.nCand[0]).toBe(3);
    // Insert the first candidate's fingerprint, as the coordinator would.
    H[0] = first.hashes[0];
    H[1] = first.hashes[1];
    H[2] = first.hashes[2];
    expect(store.insert()).toBe(true);
    const fresh = createExpander(c, cfg('fingerprint'));
    const r = fresh.expand(init, 1, false, store.table, on, wit, 0);
    expect(r.nCand[0]).toBe(2);
    expect(Array.from(r.ords)).toEqual([1, 2]);
  });

  test('the exact store gets every successor', () => {
    const ex = createExpander(c, cfg('exact'));
    const states = level1();
    const a = ex.expand(states.slice(0, W), 1, false, undefined, on, wit, 1);
    const b = ex.expand(states.slice(W, 2 * W), 1, false, undefined, on, wit, 1);
    expect([a.nCand[0], b.nCand[0]]).toEqual([3, 3]);
  });

  test('at the depth bound nothing is sent, but successors are counted', () => {
    const ex = createExpander(c, cfg('fingerprint'));
    const r = ex.expand(init, 1, true, new FingerprintStore(true).table, on, wit, 0);
    expect([r.nGen[0], r.nSucc[0], r.nCand[0], r.words.length]).toEqual([3, 3, 0, 0]);
  });
});
