/**
 * Constructors for temporal properties and fairness (the spec API of
 * liveness). Each corresponds to a TLA+ form:
 *
 * | here                            | TLA+                      |
 * |---------------------------------|---------------------------|
 * | `eventually(name, P)`           | `<>P`                     |
 * | `alwaysEventually(name, P)`     | `[]<>P`                   |
 * | `leadsTo(name, P, Q)`           | `P ~> Q` (`[](P => <>Q)`) |
 * | `weakFairness({ action: 'A' })` | `WF_vars(A)`              |
 * | `strongFairness({ action: 'A' })` | `SF_vars(A)`            |
 * | `weakFairness({ process: 'p' })` | `WF_vars(Proc(p))`       |
 * | `weakFairness({ process: '*' })` | `\A p : WF_vars(Proc(p))` |
 *
 * Behaviours may stutter, as in TLA+: without fairness a behaviour may stop
 * in any state, so `eventually(P)` fails as soon as an initial state is not P.
 *
 * @module
 */
import type { Fairness, State, TemporalProperty } from './spec';

/** `<>P`: every behaviour reaches a state where `p` holds. */
export function eventually<S extends State>(name: string, p: (state: S) => boolean): TemporalProperty<S> {
  return { name, kind: 'eventually', p };
}

/** `[]<>P`: on every behaviour, `p` holds infinitely often. */
export function alwaysEventually<S extends State>(name: string, p: (state: S) => boolean): TemporalProperty<S> {
  return { name, kind: 'alwaysEventually', p };
}

/** `P ~> Q`: whenever `p` holds, `q` holds then or later. */
export function leadsTo<S extends State>(name: string, p: (state: S) => boolean, q: (state: S) => boolean): TemporalProperty<S> {
  return { name, kind: 'leadsTo', p, q };
}

/** `WF_vars(A)`: an action (or process) continuously enabled from some point on is eventually taken. */
export function weakFairness(of: { action: string } | { process: string }): Fairness {
  return { kind: 'weak', ...of };
}

/** `SF_vars(A)`: an action (or process) enabled infinitely often is eventually taken. */
export function strongFairness(of: { action: string } | { process: string }): Fairness {
  return { kind: 'strong', ...of };
}

/** The TLA+ form of a temporal property, for reports (`P` and `Q` stand for the predicates). */
export function temporalForm(p: Pick<TemporalProperty, 'kind'>): string {
  switch (p.kind) {
    case 'eventually':
      return '<>P';
    case 'alwaysEventually':
      return '[]<>P';
    case 'leadsTo':
      return 'P ~> Q';
  }
}

/** The TLA+ form of a fairness condition, e.g. `WF_vars(Take)` or `SF_vars(Proc(p0))`. */
export function fairnessForm(f: Fairness): string {
  const k = f.kind === 'weak' ? 'WF' : 'SF';
  if (f.process === '*') return `\\A p : ${k}_vars(Proc(p))`;
  return `${k}_vars(${f.process !== undefined ? `Proc(${f.process})` : f.action})`;
}
