/**
 * How values, paths and numbers are written in text reports.
 *
 * States in reports are plain JSON (numbers, strings, booleans, null, arrays,
 * objects). Text output writes them JSON-like on one line when they are short,
 * and as an indented block (one element per line) when they are long, so that
 * a 24-frame kernel backtrace stays readable. Numbers follow TLC's habits:
 * counts with thousands separators, probabilities as `1.1E-17`.
 *
 * @module
 */

/** A JSON value as it appears in a report. */
export type Json = null | boolean | number | string | readonly Json[] | { readonly [k: string]: Json };

/** True for a plain object (a record), false for arrays and null. */
export function isRecord(v: unknown): v is Readonly<Record<string, unknown>> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Parses text that must hold one JSON object; the error says why it does not. */
export function parseJsonObject(text: string): { ok: true; value: Readonly<Record<string, unknown>> } | { ok: false; error: string } {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    return { ok: false, error: `not JSON (${e instanceof Error ? e.message : String(e)})` };
  }
  return isRecord(data) ? { ok: true, value: data } : { ok: false, error: 'not a JSON object' };
}

const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** Appends a record key or array index to a path: `tasks` + 1 → `tasks[1]`, `io` + `dm-zoned` → `io["dm-zoned"]`. */
export function joinPath(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  if (IDENT.test(key)) return path === '' ? key : `${path}.${key}`;
  return `${path}[${JSON.stringify(key)}]`;
}

/**
 * Deepest nesting of arrays and objects a report may hold (`render` rejects
 * deeper input). Model states are a few levels deep; the bound keeps every
 * renderer (and JSON.stringify, which recurses) far from the stack limit.
 */
export const MAX_NESTING = 1000;

/** Nesting depth of a JSON value (a scalar is 0), computed without recursion; stops counting at `limit` + 1. */
export function nestingDepth(v: unknown, limit = MAX_NESTING): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[v, 0]];
  while (stack.length > 0) {
    const [x, d] = stack.pop()!;
    if (typeof x !== 'object' || x === null) continue;
    const inner = d + 1;
    if (inner > deepest) deepest = inner;
    if (deepest > limit) return deepest;
    for (const k in x) stack.push([(x as Record<string, unknown>)[k], inner]);
  }
  return deepest;
}

/** Levels `formatValue` writes before it writes `...` (text output of an in-process report that was never parsed). */
const FORMAT_DEPTH = 200;

/**
 * Control characters (C0 but newline and tab, DEL, C1) escaped as `\u001b`,
 * so that text written to a terminal cannot move the cursor, clear the screen
 * or set the window title (a report is data, possibly from someone else).
 */
export function escapeControl(text: string): string {
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Writes a value on one line, JSON-like: `["a", "b"]`, `{clean: 0, dirty: 1}`. */
export function formatValue(v: unknown, depth = 0): string {
  if (depth > FORMAT_DEPTH) return '...';
  if (v === undefined) return 'undefined';
  if (v === null || typeof v === 'boolean') return String(v);
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : JSON.stringify(String(v));
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'bigint') return v.toString();
  if (Array.isArray(v)) return `[${v.map((x) => formatValue(x, depth + 1)).join(', ')}]`;
  if (isRecord(v)) {
    const parts = Object.keys(v).map((k) => `${IDENT.test(k) ? k : JSON.stringify(k)}: ${formatValue(v[k], depth + 1)}`);
    return parts.length ? `{${parts.join(', ')}}` : '{}';
  }
  return JSON.stringify(String(v));
}

/** Longest one-line value text before a value is written as a block. */
export const LINE_WIDTH = 120;

/**
 * Writes a value for `prefix = value`: on one line when it fits in
 * `LINE_WIDTH`, otherwise as an indented block with one element per line.
 * Returns the lines (the first starts with `prefix`).
 */
export function formatAssignment(prefix: string, v: unknown, indent: string, depth = 0): string[] {
  const one = formatValue(v);
  if (prefix.length + one.length <= LINE_WIDTH || (!Array.isArray(v) && !isRecord(v)) || depth > FORMAT_DEPTH / 4) return [`${prefix}${one}`];
  const inner = indent + '    ';
  if (Array.isArray(v)) {
    return [`${prefix}[`, ...v.flatMap((x, i) => formatAssignment(inner, x, inner, depth + 1).map((l, j, a) => (j === a.length - 1 && i < v.length - 1 ? `${l},` : l))), `${indent}  ]`];
  }
  const rec = v as Readonly<Record<string, unknown>>;
  const keys = Object.keys(rec);
  return [
    `${prefix}{`,
    ...keys.flatMap((k, i) =>
      formatAssignment(`${inner}${IDENT.test(k) ? k : JSON.stringify(k)}: `, rec[k], inner, depth + 1).map((l, j, a) => (j === a.length - 1 && i < keys.length - 1 ? `${l},` : l)),
    ),
    `${indent}  }`,
  ];
}

/**
 * Writes a JSON value as an indented outline (YAML-like), for explanations
 * attached to a violation: records as `key: value` lines, arrays as `- item`
 * lines, scalars inline. Strings are written without quotes.
 */
export function formatOutline(v: unknown, indent = ''): string[] {
  const scalar = (x: unknown): string => (typeof x === 'string' ? x : formatValue(x));
  const isScalar = (x: unknown): boolean => !Array.isArray(x) && !isRecord(x);
  if (isScalar(v)) return [`${indent}${scalar(v)}`];
  if (indent.length > FORMAT_DEPTH) return [`${indent}${formatValue(v, FORMAT_DEPTH)}`];
  if (Array.isArray(v)) {
    if (v.length === 0) return [`${indent}[]`];
    return v.flatMap((x) => {
      if (isScalar(x)) return [`${indent}- ${scalar(x)}`];
      const sub = formatOutline(x, `${indent}  `);
      return [`${indent}- ${sub[0].slice(indent.length + 2)}`, ...sub.slice(1)];
    });
  }
  const rec = v as Readonly<Record<string, unknown>>;
  const keys = Object.keys(rec);
  if (keys.length === 0) return [`${indent}{}`];
  return keys.flatMap((k) => {
    const x = rec[k];
    if (isScalar(x)) return [`${indent}${k}: ${scalar(x)}`];
    if ((Array.isArray(x) && x.length === 0) || (isRecord(x) && Object.keys(x).length === 0)) return [`${indent}${k}: ${formatValue(x)}`];
    return [`${indent}${k}:`, ...formatOutline(x, `${indent}  `)];
  });
}

/** A count with thousands separators, as TLC prints it: 1234567 → `1,234,567`. */
export function formatCount(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const neg = n < 0;
  const [int, frac] = Math.abs(n).toString().split('.');
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${neg ? '-' : ''}${grouped}${frac ? `.${frac}` : ''}`;
}

/** A probability in TLC's style: `0` for zero, otherwise two significant digits, `1.1E-17`. */
export function formatProbability(p: number): string {
  if (p === 0) return '0';
  if (!Number.isFinite(p)) return String(p);
  const [m, e] = p.toExponential(1).split('e');
  return `${m}E${e.startsWith('+') ? e.slice(1) : e}`;
}

/** A quantity with one decimal place, or none when it is an integer: 40.5, 16. */
export function formatDecimal(x: number): string {
  return Number.isInteger(x) ? String(x) : x.toFixed(1);
}
