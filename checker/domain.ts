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
 * | `setOf(T)`        | an array of distinct elements of the finite domain T (int, enum, bool, id, small record), in canonical order |
 * | `seqOf(max, T)`   | `T[]` of length `0..max` (a bounded sequence)  |
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
  | { readonly kind: 'record'; readonly fields: Readonly<Record<string, Domain>> }
  | { readonly kind: 'seq'; readonly max: number; readonly of: Domain }
  | { readonly kind: 'set'; readonly of: Domain };

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

/**
 * A set.
 * - `setOf(['x', 'y'])`: a subset of at most 32 named elements, whose JS
 *   value is a bit mask (`number`, like `bits`), shown as the names.
 * - `setOf(T)`: a subset of the finite domain `T` (`int`, `enumOf`, `bool`,
 *   `id`/`optId` of a symmetric domain, or a `record` of those), of at most
 *   32 elements in all. Its JS value is an array of distinct elements; actions
 *   may return any array (or a JS `Set`) of elements, and states hold them in
 *   one canonical order (the domain's: ints ascending, enum values and record
 *   fields in declaration order), so that equal sets are one state. Ids
 *   inside such a set are renamed by symmetry reduction like any other id.
 */
export function setOf(universe: readonly string[] | Domain): Domain {
  if (!Array.isArray(universe)) {
    const of = universe as Domain;
    if (!elementKinds(of)) throw new DomainError('setOf(T) takes a domain of int, enum, bool, id, or a record of those');
    return { kind: 'set', of };
  }
  const names = universe as readonly string[];
  if (names.length > 32) throw new DomainError(`setOf() takes at most 32 elements, got ${names.length}`);
  return { kind: 'bits', names: [...names], style: 'set' };
}

const elementKinds = (d: Domain): boolean =>
  d.kind === 'bool' || d.kind === 'int' || d.kind === 'enum' || d.kind === 'id' || (d.kind === 'record' && Object.values(d.fields).every(elementKinds));

/**
 * A bounded sequence: a `T[]` of length `0..max` (TLA+'s `Seq(T)` cut at
 * `max`, as a port bounds it). The layout keeps a length and `max` slots;
 * slots past the length are always zero (the record API never sees them),
 * so one sequence is one state.
 */
export function seqOf(max: number, of: Domain): Domain {
  if (!Number.isInteger(max) || max < 0) throw new DomainError(`seqOf(${max}) needs a non-negative maximum length`);
  return { kind: 'seq', max, of };
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
