/**
 * Pure parsers for option values. Each returns the value or a usage failure
 * that names the option, what was given and what is expected.
 *
 * @module
 */
import type { StoreOption } from '../result';
import { err, Failure, ok, Result, usage } from './types';

/** A value given once; yargs makes an array of an option given twice. */
export function single(flag: string, raw: unknown): Result<Failure, string | undefined> {
  if (raw === undefined) return ok(undefined);
  if (Array.isArray(raw)) return err(usage(`--${flag} was given ${raw.length} times`, `give --${flag} once`));
  return ok(String(raw));
}

/** A boolean flag given once (`--symmetry`/`--no-symmetry`). */
export function singleBoolean(flag: string, raw: unknown): Result<Failure, boolean | undefined> {
  if (raw === undefined) return ok(undefined);
  if (Array.isArray(raw)) return err(usage(`--${flag} was given ${raw.length} times`, `give --${flag} or --no-${flag} once`));
  return ok(Boolean(raw));
}

/**
 * A boolean flag given more than once in raw arguments: `--symmetry
 * --no-symmetry` (a conflict), or `--quiet --quiet`. yargs keeps the last one
 * silently, so the raw arguments (up to `--`) are read. Pure.
 */
export function booleanConflict(args: readonly string[], flags: readonly string[]): Failure | undefined {
  const end = args.indexOf('--');
  const raw = end < 0 ? args : args.slice(0, end);
  for (const flag of flags) {
    const positive = raw.filter((a) => a === `--${flag}` || a.startsWith(`--${flag}=`));
    const negative = raw.filter((a) => a === `--no-${flag}` || a.startsWith(`--no-${flag}=`));
    if (positive.length && negative.length) {
      return usage(`--${flag} and --no-${flag} conflict`, `give one of --${flag} or --no-${flag}, once`);
    }
    const same = positive.length > 1 ? positive : negative.length > 1 ? negative : undefined;
    if (same) return usage(`${same[0].split('=')[0]} was given ${same.length} times`, `give --${flag} or --no-${flag} once`);
  }
  return undefined;
}

/**
 * A whole number: `1000`, `1_000_000`, `1e6` or `2^20`, at least `min` and at
 * most 2^53 − 1.
 */
export function parseCount(flag: string, raw: unknown, min: number): Result<Failure, number | undefined> {
  const s = single(flag, raw);
  if (!s.ok || s.value === undefined) return s as Result<Failure, undefined>;
  const text = s.value.trim().replace(/_/g, '');
  let n = NaN;
  const pow = /^(\d+)\^(\d+)$/.exec(text);
  if (pow) n = Number(pow[1]) ** Number(pow[2]);
  else if (/^\d+(e\d+)?$/i.test(text)) n = Number(text);
  if (!Number.isSafeInteger(n) || n < min) {
    return err(usage(`--${flag} must be a whole number >= ${min}, got '${s.value}'`, `e.g. --${flag} 1000000 (also 1_000_000, 1e6 or 2^20)`));
  }
  return ok(n);
}

/** Signature widths the compact store accepts. */
export const COMPACT_BITS = { min: 8, max: 64, default: 40 } as const;

/** `exact`, `fingerprint`, `compact` or `compact:BITS`. */
export function parseStore(raw: unknown): Result<Failure, StoreOption | undefined> {
  const s = single('store', raw);
  if (!s.ok || s.value === undefined) return s as Result<Failure, undefined>;
  const hint = `use exact, fingerprint, compact or compact:BITS with BITS in ${COMPACT_BITS.min}..${COMPACT_BITS.max} (default ${COMPACT_BITS.default})`;
  const v = s.value;
  if (v === 'exact' || v === 'fingerprint') return ok({ kind: v });
  const m = /^compact(?::(\d+))?$/.exec(v);
  if (!m) return err(usage(`invalid value '${v}' for --store`, hint));
  const bits = m[1] === undefined ? COMPACT_BITS.default : Number(m[1]);
  if (bits < COMPACT_BITS.min || bits > COMPACT_BITS.max) return err(usage(`invalid signature width ${bits} in --store ${v}`, hint));
  return ok({ kind: 'compact', bits });
}

const KEY = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

/** Repeated `--flag K=V` options into a record; a key given twice is an error. */
export function parseKeyValues(flag: string, raw: unknown): Result<Failure, Record<string, string>> {
  const items = raw === undefined ? [] : Array.isArray(raw) ? raw.map(String) : [String(raw)];
  // No prototype: a key such as `__proto__` or `constructor` is a key like any other (and then an unknown one).
  const out: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const item of items) {
    const i = item.indexOf('=');
    const key = i < 0 ? item : item.slice(0, i);
    if (i < 0 || !KEY.test(key)) return err(usage(`--${flag} expects KEY=VALUE, got '${item}'`, `e.g. --${flag} n=3 (repeat --${flag} for each key)`));
    if (Object.prototype.hasOwnProperty.call(out, key)) return err(usage(`--${flag} ${key} was given twice`));
    out[key] = item.slice(i + 1);
  }
  return ok(out);
}

/** Levenshtein distance, for "did you mean" hints. */
export function editDistance(a: string, b: string): number {
  const d = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = d[0];
    d[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const t = d[j];
      d[j] = Math.min(d[j] + 1, d[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = t;
    }
  }
  return d[b.length];
}

/** The candidate closest to `name`, if it is close enough to be a typo. */
export function suggest(name: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const dist = editDistance(name.toLowerCase(), c.toLowerCase());
    if (dist < bestD) {
      best = c;
      bestD = dist;
    }
  }
  return best !== undefined && bestD <= Math.max(1, Math.floor(best.length / 3)) ? best : undefined;
}
