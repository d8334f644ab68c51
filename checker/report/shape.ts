/**
 * The shape of a state, derived from the spec's variable domains, so that
 * reports can write values the way the spec declared them.
 *
 * When a spec has no `formatState`, its trace states are the decoded records,
 * in which a `bits`/`setOf` value is a bit mask and a `mapOf` value an array.
 * `presentState` turns masks into the list of their names (the domain
 * promises that they are "printed as names"), and the shape, saved in the JSON
 * report as `stateShape`, lets the ITF renderer write sets as `#set`, arrays
 * indexed by a symmetric domain as `#map`, and optional ids as variants, even
 * when it renders a saved report without the spec. A spec with `formatState`
 * chooses its own presentation and gets no shape.
 *
 * @module
 */
import type { Domain } from '../domain';
import { isRecord } from './values';

/** A JSON-able description of a value's shape (a simplified `Domain`). */
export type Shape =
  | { readonly kind: 'scalar' }
  | { readonly kind: 'set'; readonly of?: Shape }
  | { readonly kind: 'option'; readonly of?: Shape }
  | { readonly kind: 'list'; readonly of: Shape }
  | { readonly kind: 'map'; readonly of: Shape }
  | { readonly kind: 'record'; readonly fields: Readonly<Record<string, Shape>> };

/** The shape of one domain. Bit masks (flags and sets) become sets of names. */
export function shapeOfDomain(d: Domain): Shape {
  switch (d.kind) {
    case 'bool':
    case 'int':
    case 'enum':
      return { kind: 'scalar' };
    case 'bits':
      return { kind: 'set' };
    case 'id':
      return d.optional ? { kind: 'option' } : { kind: 'scalar' };
    case 'array':
      return { kind: 'list', of: shapeOfDomain(d.of) };
    case 'map':
      return { kind: 'map', of: shapeOfDomain(d.of) };
    case 'record':
      return { kind: 'record', fields: Object.fromEntries(Object.entries(d.fields).map(([k, f]) => [k, shapeOfDomain(f)])) };
    case 'seq':
      return { kind: 'list', of: shapeOfDomain(d.of) };
    case 'set':
      return { kind: 'set', of: shapeOfDomain(d.of) };
  }
}

/** The shape of a state with these variables. */
export function shapeOfVariables(variables: Readonly<Record<string, Domain>>): Shape {
  return shapeOfDomain({ kind: 'record', fields: variables });
}

/**
 * Rewrites a decoded value for display: bit masks become the list of the
 * names of their set bits (in declaration order). Other values are returned
 * as they are. Values that do not match the domain are left untouched.
 */
export function presentValue(d: Domain, v: unknown): unknown {
  switch (d.kind) {
    case 'bits': {
      if (typeof v !== 'number') return v;
      return d.names.filter((_, i) => Math.floor(v / 2 ** i) % 2 === 1);
    }
    case 'array':
    case 'map':
    case 'seq':
    case 'set':
      return Array.isArray(v) ? v.map((x) => presentValue(d.of, x)) : v;
    case 'record':
      return isRecord(v) ? Object.fromEntries(Object.keys(v).map((k) => [k, d.fields[k] ? presentValue(d.fields[k], v[k]) : v[k]])) : v;
    default:
      return v;
  }
}

/** `presentValue` for a whole state. */
export function presentState(variables: Readonly<Record<string, Domain>>, state: unknown): unknown {
  return presentValue({ kind: 'record', fields: variables }, state);
}
