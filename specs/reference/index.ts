/**
 * The classic reference models that validate the engine, by name.
 *
 * `gfpcheck check <name> --const K=V` looks a model up in `referenceSpecs`,
 * fills missing constants from `params[].default`, and calls `build`. `build`
 * throws a `RangeError` naming the constant when a value is out of range (the
 * CLI reports it as MC102). Pinned state counts for each model are in
 * docs/reference-models.md and test/reference/.
 *
 * @module
 */
import type { AnySpec } from '../../checker';
import { counter, counterPacked } from './counter';
import { dieHard } from './dieHard';
import { peterson } from './peterson';
import { philosophers } from './philosophers';
import { twoPhase } from './twoPhase';

export { counter, counterPacked } from './counter';
export type { CounterConstants, CounterState } from './counter';
export { dieHard } from './dieHard';
export type { DieHardConstants, DieHardState } from './dieHard';
export { peterson } from './peterson';
export type { PetersonPc, PetersonState } from './peterson';
export { philosophers } from './philosophers';
export type { PhilState, PhilosophersConstants, PhilosophersState } from './philosophers';
export { twoPhase } from './twoPhase';
export { twoPhasePacked } from './twoPhasePacked';
export type { RmState, TmState, TwoPhaseConstants, TwoPhaseState } from './twoPhase';

/** A constant a reference model takes. */
export interface ReferenceParam {
  readonly name: string;
  readonly default: number;
  readonly description: string;
}

/** A registry entry: what the model is, its constants, and how to build it. */
export interface ReferenceSpecEntry {
  readonly description: string;
  readonly params: readonly ReferenceParam[];
  /** Builds the spec; constants not given take their default. Throws RangeError on a bad or unknown constant. */
  build(consts: Readonly<Record<string, number>>): AnySpec;
}

/** Fills defaults and rejects constants the entry does not declare. */
function resolve(name: string, params: readonly ReferenceParam[], consts: Readonly<Record<string, number>>): Record<string, number> {
  const known = new Set(params.map((p) => p.name));
  for (const k of Object.keys(consts)) {
    if (!known.has(k)) {
      const expected = params.length ? params.map((p) => p.name).join(', ') : 'none';
      throw new RangeError(`${name}: unknown constant '${k}' (constants: ${expected})`);
    }
  }
  return Object.fromEntries(params.map((p) => [p.name, consts[p.name] ?? p.default]));
}

function entry(
  name: string,
  description: string,
  params: readonly ReferenceParam[],
  make: (c: Record<string, number>) => AnySpec,
): ReferenceSpecEntry {
  return { description, params, build: (consts) => make(resolve(name, params, consts)) };
}

const counterParams: readonly ReferenceParam[] = [
  { name: 'k', default: 3, description: 'number of counters' },
  { name: 'm', default: 4, description: 'modulus of each counter' },
];

/** The reference models by CLI name. */
export const referenceSpecs: Readonly<Record<string, ReferenceSpecEntry>> = {
  twophase: entry(
    'twophase',
    "Two-phase commit (Lamport's TwoPhase.tla); RMs are symmetric; holds",
    [{ name: 'rm', default: 3, description: 'number of resource managers' }],
    (c) => twoPhase({ rm: c.rm }),
  ),
  philosophers: entry(
    'philosophers',
    'Dining philosophers, left fork first; deadlocks after n steps',
    [{ name: 'n', default: 5, description: 'number of philosophers' }],
    (c) => philosophers({ n: c.n }),
  ),
  peterson: entry('peterson', "Peterson's mutual exclusion for two processes; holds", [], () => peterson()),
  diehard: entry(
    'diehard',
    'Die Hard jugs; the invariant big /= goal is violated in 6 steps',
    [
      { name: 'small', default: 3, description: 'capacity of the small jug' },
      { name: 'big', default: 5, description: 'capacity of the big jug' },
      { name: 'goal', default: 4, description: 'amount the big jug must never hold' },
    ],
    (c) => dieHard({ small: c.small, big: c.big, goal: c.goal }),
  ),
  counter: entry('counter', 'k counters mod m (m^k states), record API', counterParams, (c) => counter({ k: c.k, m: c.m })),
  'counter-packed': entry('counter-packed', 'k counters mod m (m^k states), packed API', counterParams, (c) =>
    counterPacked({ k: c.k, m: c.m }),
  ),
};
