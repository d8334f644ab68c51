/**
 * A generic deep diff of JSON-able states, for TLC `-difftrace`-style traces.
 *
 * A state is compared with its predecessor structurally: records with the
 * same keys are compared key by key, and arrays of the same length element by
 * element, down to the leaves. A leaf is a scalar, or an array of scalars
 * (a call stack, a set of flags), which is reported whole because its elements
 * mean little one by one. Anything else that differs (a different type, a
 * record whose keys changed, an array whose length changed) is reported at its
 * own path. Paths read like JS: `tasks[1].stack`, `io["dm-zoned"].chunkWork`.
 *
 * @module
 */
import { isRecord, joinPath } from './values';

/** One changed (or, for a first state, present) value and where it is. */
export interface PathValue {
  /** `tasks[1].stack`; the empty string for a state that is not a record. */
  readonly path: string;
  readonly value: unknown;
}

const isScalar = (v: unknown): boolean => !Array.isArray(v) && !isRecord(v);

/** True for a value reported whole: a scalar or an array of scalars. */
export function isLeaf(v: unknown): boolean {
  return isScalar(v) || (Array.isArray(v) && v.every(isScalar));
}

/** Deep equality of JSON-able values (record key order ignored). */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  if (isRecord(a)) {
    if (!isRecord(b)) return false;
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && deepEqual(a[k], b[k]));
  }
  return typeof a === 'number' && typeof b === 'number' && Number.isNaN(a) && Number.isNaN(b);
}

function sameKeys(a: Readonly<Record<string, unknown>>, b: Readonly<Record<string, unknown>>): boolean {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => Object.prototype.hasOwnProperty.call(b, k));
}

/** The paths whose values differ between `before` and `after`, with their new values, in `after`'s key order. */
export function diffStates(before: unknown, after: unknown, path = ''): PathValue[] {
  if (deepEqual(before, after)) return [];
  if (isRecord(before) && isRecord(after) && sameKeys(before, after)) {
    return Object.keys(after).flatMap((k) => diffStates(before[k], after[k], joinPath(path, k)));
  }
  if (Array.isArray(before) && Array.isArray(after) && before.length === after.length && !isLeaf(after)) {
    return after.flatMap((x, i) => diffStates(before[i], x, joinPath(path, i)));
  }
  return [{ path, value: after }];
}

/**
 * The top-level entries of a whole state, for the first state of a trace:
 * one entry per variable of a record state, or the state itself.
 */
export function topLevel(state: unknown): PathValue[] {
  if (isRecord(state)) return Object.keys(state).map((k) => ({ path: joinPath('', k), value: state[k] }));
  return [{ path: '', value: state }];
}

/**
 * Splits an entry into entries that each fit on a line of `width`
 * characters, descending into records and arrays of non-scalars; leaves are
 * never split.
 */
export function splitToWidth(e: PathValue, width: number, measure: (e: PathValue) => number): PathValue[] {
  if (measure(e) <= width || isLeaf(e.value)) return [e];
  const v = e.value;
  if (Array.isArray(v)) return v.flatMap((x, i) => splitToWidth({ path: joinPath(e.path, i), value: x }, width, measure));
  if (isRecord(v) && Object.keys(v).length > 0) {
    return Object.keys(v).flatMap((k) => splitToWidth({ path: joinPath(e.path, k), value: v[k] }, width, measure));
  }
  return [e];
}
