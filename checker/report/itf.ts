/**
 * The `itf` format: counterexamples in the Informal Trace Format (Apalache
 * ADR-015, https://apalache-mc.org/docs/adr/015adr-trace.html), the trace
 * format Apalache and Quint read and write.
 *
 * **One trace object per output**, as the tools write one file per trace:
 * the format prints the trace of the first violation found. With
 * `--all-violations`, `--out-dir DIR` writes every violation's trace to a file
 * of its own (`itfFiles`). A report without a violation (the properties hold,
 * the search was incomplete, or the spec failed) prints a trace with no
 * states, whose `#meta.status` says why.
 *
 * Trace `#meta`: every field is a string (`format`, `format-description`,
 * `source`, `description`, `status`, `tool`, `version`, `spec`, `property`,
 * `kind`, `class`; `constants` and `explain` hold JSON text), except
 * `varTypes`, which maps every variable to its type in Apalache's type syntax
 * (ADR-002), as Apalache requires to read a trace back. State `#meta` is
 * `{ index }`.
 *
 * Every state also carries the two variables Quint's model-based testing
 * reads: `mbt::actionTaken` (the action's name; `init` for the initial state)
 * and `mbt::nondetPicks`, a record with one field per parameterised action of
 * the trace: `{"tag": "Some", "value": p}` with the parameter for the action
 * taken, `None` for the others.
 *
 * Values: our states are plain JSON, written as follows.
 * - integers as JSON numbers, or `{"#bigint": "..."}` beyond ±(2^53−1);
 *   a number that is not an integer as `{"#unserializable": "1.5"}`;
 * - strings and booleans as themselves; arrays as lists; objects as records;
 * - optional values always as variants: `{"tag": "Some", "value": v}` or
 *   `{"tag": "None", "value": {"#tup": []}}`. A value is optional when the
 *   spec's domain says so (`optId`, via the report's `stateShape`) or, for
 *   specs with their own `formatState`, when it is `null` somewhere in the
 *   trace at the same place (the same path, array indexes ignored);
 * - with a `stateShape` (specs without `formatState`): `bits`/`setOf` values
 *   as `{"#set": [...]}`, `mapOf` arrays as `{"#map": [[0, v0], [1, v1], ...]}`
 *   (a TLA+ function of the symmetric domain), `seqOf` values as lists.
 *
 * @module
 */
import type { Renderer } from './renderer';
import type { Report, ReportViolation } from './report';
import { explanationOf } from './report';
import type { Shape } from './shape';
import { isRecord } from './values';

/** The URL of the format's description, written in every trace's `#meta`. */
export const ITF_FORMAT_DESCRIPTION = 'https://apalache-mc.org/docs/adr/015adr-trace.html';
/** Quint's model-based-testing variables (quint/src/itf.ts: ACTION_TAKEN, NONDET_PICKS). */
export const ACTION_TAKEN = 'mbt::actionTaken';
export const NONDET_PICKS = 'mbt::nondetPicks';

const NONE = { tag: 'None', value: { '#tup': [] } };
const MAX_SAFE = 2 ** 53 - 1;

function itfNumber(n: number): unknown {
  if (Number.isInteger(n)) return Math.abs(n) <= MAX_SAFE ? n : { '#bigint': BigInt(n).toString() };
  return { '#unserializable': String(n) };
}

/** The paths (array indexes as `*`) at which some value of `states` is `null`. */
function nullablePaths(states: readonly unknown[]): Set<string> {
  const out = new Set<string>();
  const walk = (v: unknown, p: string): void => {
    if (v === null || v === undefined) out.add(p);
    else if (Array.isArray(v)) v.forEach((x) => walk(x, `${p}[*]`));
    else if (isRecord(v)) for (const k of Object.keys(v)) walk(v[k], `${p}.${k}`);
  };
  states.forEach((s) => walk(s, ''));
  return out;
}

/**
 * Converts a report value to an ITF expression, guided by its shape when
 * known, and by the set of `nullable` paths (see the module doc) when not.
 */
export function toItfValue(v: unknown, shape?: Shape, nullable?: ReadonlySet<string>, path = ''): unknown {
  if (v === null || v === undefined) return NONE;
  if (shape?.kind === 'option') return { tag: 'Some', value: present(v, shape.of, undefined, path) };
  if (shape === undefined && nullable?.has(path)) return { tag: 'Some', value: present(v, undefined, nullable, path) };
  return present(v, shape, nullable, path);
}

/** `toItfValue` of a value that is present (not wrapped as an option at this path). */
function present(v: unknown, shape: Shape | undefined, nullable: ReadonlySet<string> | undefined, path: string): unknown {
  if (v === null || v === undefined) return NONE;
  if (typeof v === 'number') return itfNumber(v);
  if (typeof v === 'bigint') return { '#bigint': v.toString() };
  if (typeof v === 'string' || typeof v === 'boolean') return v;
  if (Array.isArray(v)) {
    if (shape?.kind === 'set') return { '#set': v.map((x) => toItfValue(x, shape.of)) };
    if (shape?.kind === 'map') return { '#map': v.map((x, i) => [i, toItfValue(x, shape.of)]) };
    const of = shape?.kind === 'list' ? shape.of : undefined;
    return v.map((x) => toItfValue(x, of, shape ? undefined : nullable, `${path}[*]`));
  }
  if (isRecord(v)) {
    const fields = shape?.kind === 'record' ? shape.fields : undefined;
    return Object.fromEntries(Object.keys(v).map((k) => [k, toItfValue(v[k], fields?.[k], shape ? undefined : nullable, `${path}.${k}`)]));
  }
  return { '#unserializable': String(v) };
}

// ------------------------------------------------------------------ varTypes
/** A type of Apalache's type system (ADR-002), inferred from ITF values. */
type Ty =
  | { k: 'unknown' }
  | { k: 'prim'; name: 'Int' | 'Bool' | 'Str' | 'UNIT' }
  | { k: 'seq' | 'set'; of: Ty }
  | { k: 'fun'; from: Ty; to: Ty }
  | { k: 'rec'; fields: Record<string, Ty> }
  | { k: 'variant'; tags: Record<string, Ty> }
  | { k: 'tup'; of: Ty[] };

const UNKNOWN: Ty = { k: 'unknown' };
const UNIT: Ty = { k: 'prim', name: 'UNIT' };

function merge(a: Ty, b: Ty): Ty {
  if (a.k === 'unknown') return b;
  if (b.k === 'unknown') return a;
  if ((a.k === 'seq' || a.k === 'set') && a.k === b.k) return { k: a.k, of: merge(a.of, (b as { of: Ty }).of) };
  if (a.k === 'fun' && b.k === 'fun') return { k: 'fun', from: merge(a.from, b.from), to: merge(a.to, b.to) };
  if (a.k === 'rec' && b.k === 'rec') {
    const fields: Record<string, Ty> = { ...a.fields };
    for (const [f, t] of Object.entries(b.fields)) fields[f] = merge(fields[f] ?? UNKNOWN, t);
    return { k: 'rec', fields };
  }
  if (a.k === 'variant' && b.k === 'variant') {
    const tags: Record<string, Ty> = { ...a.tags };
    for (const [f, t] of Object.entries(b.tags)) tags[f] = merge(tags[f] ?? UNKNOWN, t);
    return { k: 'variant', tags };
  }
  if (a.k === 'tup' && b.k === 'tup' && a.of.length === b.of.length) return { k: 'tup', of: a.of.map((t, i) => merge(t, b.of[i])) };
  return a; // a conflict: the first type seen wins (JSON report values are monomorphic for shaped specs)
}

function typeOf(v: unknown): Ty {
  if (typeof v === 'number' || (isRecord(v) && '#bigint' in v)) return { k: 'prim', name: 'Int' };
  if (typeof v === 'boolean') return { k: 'prim', name: 'Bool' };
  if (typeof v === 'string' || (isRecord(v) && '#unserializable' in v)) return { k: 'prim', name: 'Str' };
  if (Array.isArray(v)) return { k: 'seq', of: v.reduce<Ty>((t, x) => merge(t, typeOf(x)), UNKNOWN) };
  if (isRecord(v)) {
    if (Array.isArray(v['#set'])) return { k: 'set', of: (v['#set'] as unknown[]).reduce<Ty>((t, x) => merge(t, typeOf(x)), UNKNOWN) };
    if (Array.isArray(v['#tup'])) return { k: 'tup', of: (v['#tup'] as unknown[]).map(typeOf) };
    if (Array.isArray(v['#map'])) {
      return (v['#map'] as [unknown, unknown][]).reduce<Ty>((t, [a, b]) => merge(t, { k: 'fun', from: typeOf(a), to: typeOf(b) }), {
        k: 'fun',
        from: UNKNOWN,
        to: UNKNOWN,
      });
    }
    if (typeof v.tag === 'string' && 'value' in v && Object.keys(v).length === 2) {
      const inner = v.tag === 'None' ? UNIT : typeOf(v.value);
      return { k: 'variant', tags: v.tag === 'Some' || v.tag === 'None' ? { Some: v.tag === 'Some' ? inner : UNKNOWN, None: UNIT } : { [v.tag]: inner } };
    }
    return { k: 'rec', fields: Object.fromEntries(Object.keys(v).map((f) => [f, typeOf(v[f])])) };
  }
  return UNKNOWN;
}

/** ADR-002 syntax; an unknown type (e.g. the elements of sets that are always empty) is the type variable `a`. */
function showType(t: Ty): string {
  switch (t.k) {
    case 'unknown':
      return 'a';
    case 'prim':
      return t.name;
    case 'seq':
      return `Seq(${showType(t.of)})`;
    case 'set':
      return `Set(${showType(t.of)})`;
    case 'fun':
      return `(${showType(t.from)} -> ${showType(t.to)})`;
    case 'tup':
      return `<<${t.of.map(showType).join(', ')}>>`;
    case 'rec':
      if (Object.keys(t.fields).length === 0) return '{}';
      return `{ ${Object.entries(t.fields)
        .map(([f, ft]) => `${f}: ${showType(ft)}`)
        .join(', ')} }`;
    case 'variant':
      return Object.entries(t.tags)
        .map(([tag, tt]) => `${tag}(${showType(tt)})`)
        .join(' | ');
  }
}

/** The `#meta.varTypes` of ITF states: each variable's type, inferred from its values in every state. */
export function varTypes(vars: readonly string[], states: readonly Readonly<Record<string, unknown>>[]): Record<string, string> {
  return Object.fromEntries(vars.map((x) => [x, showType(states.reduce<Ty>((t, s) => merge(t, typeOf(s[x])), UNKNOWN))]));
}

// ------------------------------------------------------------------ traces
/** One ITF trace. */
export interface ItfTrace {
  readonly '#meta': Readonly<Record<string, string | Readonly<Record<string, string>>>>;
  readonly vars: readonly string[];
  readonly states: readonly Readonly<Record<string, unknown>>[];
  /** Lassos (temporal violations): the index of the state the trace loops back to after its last state. */
  readonly loop?: number;
}

function describeViolation(v: ReportViolation): string {
  if (v.kind === 'deadlock') return `deadlock reached${v.class !== undefined ? ` (class ${v.class})` : ''}`;
  if (v.kind === 'invariant') return `invariant ${v.property} is violated`;
  if (v.kind === 'temporal') return `temporal property ${v.property} is violated (a lasso: the last state loops back to state ${v.loop ?? '?'})`;
  return `property ${v.property} is violated`;
}

function paramsText(params: Readonly<Record<string, unknown>>): string {
  const ks = Object.keys(params);
  return ks.length ? ` (${ks.map((k) => `${k}=${String(params[k])}`).join(', ')})` : '';
}

/** The trace-level `#meta` fields every trace has (all strings). */
function baseMeta(report: Report): Record<string, string> {
  return {
    format: 'ITF',
    'format-description': ITF_FORMAT_DESCRIPTION,
    source: report.source ?? report.spec,
    tool: report.tool,
    version: report.version,
    spec: report.spec,
    constants: JSON.stringify(report.params),
  };
}

/** The ITF trace of one violation of a report. */
export function itfTrace(report: Report, v: ReportViolation): ItfTrace {
  const { vars, states } = itfStates(report, v.trace);
  const explanation = explanationOf(v);
  return {
    '#meta': {
      ...baseMeta(report),
      description: `Counterexample: ${describeViolation(v)} in ${report.spec}${paramsText(report.params)}`,
      status: 'violation',
      property: v.property,
      kind: v.kind,
      ...(v.class !== undefined ? { class: v.class } : {}),
      ...(v.loopStep !== undefined ? { loopStep: JSON.stringify(v.loopStep) } : {}),
      ...(Object.keys(explanation).length ? { explain: JSON.stringify(explanation) } : {}),
      varTypes: varTypes(vars, states),
    },
    vars,
    states,
    ...(v.loop !== undefined ? { loop: v.loop } : {}),
  };
}

/** The variables and ITF states of a trace (the model's variables, then Quint's MBT variables). */
function itfStates(report: Report, trace: ReportViolation['trace']): { vars: string[]; states: Record<string, unknown>[] } {
  const v = { trace };
  const recordStates = v.trace.every((t) => isRecord(t.state));
  const vars: string[] = [];
  if (recordStates) {
    for (const t of v.trace) for (const k of Object.keys(t.state as object)) if (!vars.includes(k)) vars.push(k);
  } else {
    vars.push('state');
  }
  const fields = report.stateShape?.kind === 'record' ? report.stateShape.fields : undefined;
  const raw = v.trace.map((t) => (recordStates ? (t.state as Readonly<Record<string, unknown>>) : { state: t.state }));
  const nullable = report.stateShape ? undefined : nullablePaths(raw);
  // Quint's nondetPicks: one field per parameterised action of the trace.
  const picked: string[] = [];
  for (const t of v.trace) if (t.action !== null && t.params !== null && t.params !== undefined && !picked.includes(t.action)) picked.push(t.action);
  const states = v.trace.map((t, i) => {
    const s = raw[i];
    const picks = Object.fromEntries(picked.map((a) => [a, a === t.action ? { tag: 'Some', value: toItfValue(t.params) } : NONE]));
    return {
      '#meta': { index: t.step },
      ...Object.fromEntries(vars.map((k) => [k, toItfValue(s[k], recordStates ? fields?.[k] : report.stateShape, nullable, `.${k}`)])),
      [ACTION_TAKEN]: t.action ?? 'init',
      [NONDET_PICKS]: picks,
    };
  });
  return { vars: [...vars, ACTION_TAKEN, NONDET_PICKS], states };
}

/** Every violation's trace, in the order found. */
export function itfTraces(report: Report): ItfTrace[] {
  return report.violations.map((v) => itfTrace(report, v));
}

/**
 * The trace printed when there is no violation: no states, and `#meta.status`
 * says why; for a spec error raised during the search (MC202, MC201), the
 * behaviour up to the state being processed, as the text output prints it.
 */
export function itfNoTrace(report: Report): ItfTrace {
  const errTrace = report.result === 'error' ? report.error?.trace : undefined;
  if (errTrace && errTrace.length > 0) {
    const { vars, states } = itfStates(report, errTrace);
    const e = report.error!;
    return {
      '#meta': { ...baseMeta(report), description: `Error ${e.code} in ${report.spec}: ${e.message}; the behaviour up to the state being processed`, status: 'error', code: e.code, varTypes: varTypes(vars, states) },
      vars,
      states,
    };
  }
  const why =
    report.result === 'holds'
      ? `no counterexample: every property holds in ${report.spec}${paramsText(report.params)}`
      : report.result === 'error'
        ? `no counterexample: the check of ${report.spec} failed (${report.error?.code ?? 'error'}: ${report.error?.message ?? ''})`
        : `no counterexample: the search of ${report.spec} was incomplete${report.incompleteReason ? ` (${report.incompleteReason})` : ''}`;
  return { '#meta': { ...baseMeta(report), description: why, status: report.result, varTypes: {} }, vars: [], states: [] };
}

/** A file name for the trace of violation `i` (0-based): `01-NotSolved.itf.json`. */
export function itfFileName(report: Report, i: number): string {
  const v = report.violations[i];
  const width = Math.max(2, String(report.violations.length).length);
  const label = `${v.property}${v.class !== undefined ? `-${v.class}` : ''}`.replace(/[^A-Za-z0-9_.-]+/g, '_').slice(0, 80);
  return `${String(i + 1).padStart(width, '0')}-${label}.itf.json`;
}

/** Every violation's trace as a file (name, text) for `--out-dir`. */
export function itfFiles(report: Report): { name: string; text: string }[] {
  return itfTraces(report).map((t, i) => ({ name: itfFileName(report, i), text: `${JSON.stringify(t, null, 2)}\n` }));
}

export const itfRenderer: Renderer = {
  name: 'itf',
  description: 'Informal Trace Format (Apalache ADR-015): one trace object, the first violation found (--out-dir DIR: one file per violation)',
  render(report) {
    const trace = report.violations.length > 0 ? itfTrace(report, report.violations[0]) : itfNoTrace(report);
    return `${JSON.stringify(trace, null, 2)}\n`;
  },
};
