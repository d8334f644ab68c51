/**
 * Finite domains of state variables.
 *
 * Every state variable has a declared, finite domain. The engine packs a state
 * into a fixed number of 32-bit words from these declarations (see `layout.ts`),
 * and rejects any value outside its domain with an error naming the variable,
 * the action and the value.
 *
 * Values in the record API (what actions, invariants and formatters see):
 *
 * | domain            | JS value                                   |
 * |-------------------|--------------------------------------------|
 * | `bool()`          | `boolean`                                  |
 * | `int(lo, hi)`     | integer `lo..hi`                           |
 * | `enumOf([...])`   | one of the strings                         |
 * | `bits([...])`     | bit mask `number` over the named bits (bit i = names[i]); printed as names |
 * | `setOf([...])`    | same encoding as `bits`; printed as a set  |
 * | `id('D')`         | an element `0..n-1` of symmetric domain D  |
 * | `optId('D')`      | an element of D, or `null`                 |
 * | `array(n, T)`     | `T[]` of length n                          |
 * | `mapOf('D', T)`   | `T[]` indexed by the elements of D         |
 * | `record({...})`   | object with exactly those fields           |
 *
 * @module
 */

export type Domain =
  | { readonly kind: 'bool' }
  | { readonly kind: 'int'; readonly lo: number; readonly hi: number }
  | { readonly kind: 'enum'; readonly values: readonly string[] }
  | { readonly kind: 'bits'; readonly names: readonly string[]; readonly style: 'flags' | 'set' }
  | { readonly kind: 'id'; readonly domain: string; readonly optional: boolean }
  | { readonly kind: 'array'; readonly length: number; readonly of: Domain }
  | { readonly kind: 'map'; readonly index: string; readonly of: Domain }
  | { readonly kind: 'record'; readonly fields: Readonly<Record<string, Domain>> };

/** A boolean. */
export const bool = (): Domain => ({ kind: 'bool' });

/** An integer in `lo..hi` (inclusive). */
export function int(lo: number, hi: number): Domain {
  if (!Number.isInteger(lo) || !Number.isInteger(hi) || hi < lo) {
    throw new DomainError(`int(${lo}, ${hi}) is not a valid integer range`);
  }
  if (hi - lo >= 2 ** 32) throw new DomainError(`int(${lo}, ${hi}) spans more than 32 bits`);
  return { kind: 'int', lo, hi };
}

/** One of a fixed list of names (an enumeration). */
export function enumOf(values: readonly string[]): Domain {
  if (values.length === 0) throw new DomainError('enumOf([]) has no values');
  if (new Set(values).size !== values.length) throw new DomainError(`enumOf has duplicate values: ${values.join(', ')}`);
  return { kind: 'enum', values: [...values] };
}

/** A bit mask over at most 32 named bits (flags such as GFP or PF bits). */
export function bits(names: readonly string[]): Domain {
  if (names.length > 32) throw new DomainError(`bits() takes at most 32 names, got ${names.length}`);
  return { kind: 'bits', names: [...names], style: 'flags' };
}

/** A subset of a universe of at most 32 named elements (encoded as a bit mask). */
export function setOf(universe: readonly string[]): Domain {
  if (universe.length > 32) throw new DomainError(`setOf() takes at most 32 elements, got ${universe.length}`);
  return { kind: 'bits', names: [...universe], style: 'set' };
}

/** An element of the symmetric domain `domain` (a Murphi-style scalarset). */
export const id = (domain: string): Domain => ({ kind: 'id', domain, optional: false });

/** An element of the symmetric domain `domain`, or `null`. */
export const optId = (domain: string): Domain => ({ kind: 'id', domain, optional: true });

/** A fixed-length array. */
export function array(length: number, of: Domain): Domain {
  if (!Number.isInteger(length) || length < 0) throw new DomainError(`array(${length}) needs a non-negative length`);
  return { kind: 'array', length, of };
}

/** An array indexed by the elements of symmetric domain `index`. */
export const mapOf = (index: string, of: Domain): Domain => ({ kind: 'map', index, of });

/** A record with fixed fields. */
export const record = (fields: Record<string, Domain>): Domain => ({ kind: 'record', fields: { ...fields } });

/** A domain declaration that cannot be laid out. */
export class DomainError extends Error {
  override name = 'DomainError';
}
