/**
 * The `itf` format: counterexamples in the Informal Trace Format (Apalache
 * ADR-015, https://apalache-mc.org/docs/adr/015adr-trace.html), the trace
 * format Apalache and Quint read and write.
 *
 * One ITF trace per violation. A report with exactly one violation renders as
 * one trace object; a report with none (the properties hold, the search was
 * incomplete, or the spec failed) or with several (`--all-violations`) renders
 * as a JSON array of trace objects, in the order the violations were found.
 *
 * Values: our states are plain JSON, written as follows.
 * - integers as JSON numbers, or `{"#bigint": "..."}` beyond ±(2^53−1);
 *   a number that is not an integer as `{"#unserializable": "1.5"}`;
 * - strings and booleans as themselves; arrays as lists; objects as records;
 * - `null` as the variant `{"tag": "None", "value": {"#tup": []}}` (ITF has no
 *   null; this is how Quint writes an absent optional value);
 * - when the report carries a `stateShape` (specs without `formatState`):
 *   `bits`/`setOf` values as `{"#set": [names]}`, `mapOf` arrays as
 *   `{"#map": [[0, v0], [1, v1], ...]}` (a TLA+ function of the symmetric
 *   domain), and optional ids as `{"tag": "Some", "value": n}` or `None`.
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

const NONE = { tag: 'None', value: { '#tup': [] } };
const MAX_SAFE = 2 ** 53 - 1;

function itfNumber(n: number): unknown {
  if (Number.isInteger(n)) return Math.abs(n) <= MAX_SAFE ? n : { '#bigint': BigInt(n).toString() };
  return { '#unserializable': String(n) };
}

/** Converts a report value to an ITF expression, guided by its shape when known. */
export function toItfValue(v: unknown, shape?: Shape): unknown {
  if (v === null || v === undefined) return NONE;
  if (shape?.kind === 'option') return { tag: 'Some', value: toItfValue(v) };
  if (typeof v === 'number') return itfNumber(v);
  if (typeof v === 'bigint') return { '#bigint': v.toString() };
  if (typeof v === 'string' || typeof v === 'boolean') return v;
  if (Array.isArray(v)) {
    if (shape?.kind === 'set') return { '#set': v.map((x) => toItfValue(x)) };
    if (shape?.kind === 'map') return { '#map': v.map((x, i) => [i, toItfValue(x, shape.of)]) };
    const of = shape?.kind === 'list' ? shape.of : undefined;
    return v.map((x) => toItfValue(x, of));
  }
  if (isRecord(v)) {
    const fields = shape?.kind === 'record' ? shape.fields : undefined;
    return Object.fromEntries(Object.keys(v).map((k) => [k, toItfValue(v[k], fields?.[k])]));
  }
  return { '#unserializable': String(v) };
}

/** One ITF trace. */
export interface ItfTrace {
  readonly '#meta': Readonly<Record<string, unknown>>;
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

/** The ITF trace of one violation of a report. */
export function itfTrace(report: Report, v: ReportViolation): ItfTrace {
  const recordStates = v.trace.every((t) => isRecord(t.state));
  const vars: string[] = [];
  if (recordStates) {
    for (const t of v.trace) for (const k of Object.keys(t.state as object)) if (!vars.includes(k)) vars.push(k);
  } else {
    vars.push('state');
  }
  const fields = report.stateShape?.kind === 'record' ? report.stateShape.fields : undefined;
  const states = v.trace.map((t) => {
    const meta: Record<string, unknown> = { index: t.step };
    if (t.action !== null) meta.action = t.action;
    if (t.action !== null && t.params !== null && t.params !== undefined) meta.params = t.params;
    const s = recordStates ? (t.state as Readonly<Record<string, unknown>>) : { state: t.state };
    return { '#meta': meta, ...Object.fromEntries(vars.map((k) => [k, toItfValue(s[k], recordStates ? fields?.[k] : report.stateShape)])) };
  });
  const explanation = explanationOf(v);
  return {
    '#meta': {
      format: 'ITF',
      'format-description': ITF_FORMAT_DESCRIPTION,
      source: report.source ?? report.spec,
      description: `Counterexample: ${describeViolation(v)} in ${report.spec}${paramsText(report.params)}`,
      tool: report.tool,
      version: report.version,
      spec: report.spec,
      constants: report.params,
      property: v.property,
      kind: v.kind,
      ...(v.class !== undefined ? { class: v.class } : {}),
      ...(v.loopStep !== undefined ? { loopStep: v.loopStep } : {}),
      ...(Object.keys(explanation).length ? { explain: explanation } : {}),
    },
    vars,
    states,
    ...(v.loop !== undefined ? { loop: v.loop } : {}),
  };
}

/** Every violation's trace, in the order found. */
export function itfTraces(report: Report): ItfTrace[] {
  return report.violations.map((v) => itfTrace(report, v));
}

export const itfRenderer: Renderer = {
  name: 'itf',
  description: 'Informal Trace Format (Apalache ADR-015): one trace object for one violation, otherwise an array of traces',
  render(report) {
    const traces = itfTraces(report);
    return `${JSON.stringify(traces.length === 1 ? traces[0] : traces, null, 2)}\n`;
  },
};
