/**
 * The option matrix every reference and cross-check test runs under: each
 * visited-set store, with symmetry reduction off and on.
 *
 * @module
 */
import { check } from '../../checker/index';
import type { AnySpec, CheckOptions, CheckResult, StoreOption } from '../../checker/index';

/** Every store the engine offers, including both compact widths the issue asks for. */
export const STORES: readonly StoreOption[] = [
  { kind: 'exact' },
  { kind: 'fingerprint' },
  { kind: 'compact', bits: 32 },
  { kind: 'compact', bits: 64 },
];

export const storeLabel = (s: StoreOption): string => (s.kind === 'compact' ? `compact:${s.bits}` : s.kind);

/** One cell of the matrix. */
export interface Cell {
  readonly store: StoreOption;
  readonly symmetry: boolean;
  readonly label: string;
}

/** Every (store, symmetry) pair. */
export const CELLS: readonly Cell[] = [false, true].flatMap((symmetry) =>
  STORES.map((store) => ({ store, symmetry, label: `${storeLabel(store)}, symmetry ${symmetry ? 'on' : 'off'}` })),
);

/** Runs `spec` in every cell with the given extra options. */
export function runMatrix(spec: AnySpec, options: CheckOptions = {}): { cell: Cell; result: CheckResult }[] {
  return CELLS.map((cell) => ({ cell, result: check(spec, { ...options, store: cell.store, symmetry: cell.symmetry }) }));
}

/** What must not depend on the store or on symmetry: the verdict of every property and the shape of each violation. */
export function verdict(r: CheckResult): unknown {
  return {
    status: r.status,
    error: r.error?.code,
    properties: r.properties.map((p) => `${p.kind} ${p.name}: ${p.status}${p.depth !== undefined ? ` @${p.depth}` : ''}`),
    violations: r.violations.map((v) => `${v.kind} ${v.property}: ${v.trace.length - 1} steps`),
  };
}

/** Number of steps of a trace (its length minus the initial state). */
export const steps = (trace: readonly unknown[]): number => trace.length - 1;

/** A result without its timing fields, for determinism checks. */
export function withoutTiming(r: CheckResult): unknown {
  const { seconds: _s, statesPerSecond: _p, ...stats } = r.stats;
  return { ...r, stats };
}
