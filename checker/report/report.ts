/**
 * The JSON report: what `gfpcheck check --format json` prints, what
 * `gfpcheck render` reads back, and what every renderer (text, json, itf,
 * later mail) renders. Renderers work on a `Report`, never on a
 * `CheckResult`, so that rendering a saved report gives exactly the output of
 * the run that produced it.
 *
 * The field names below are a contract (scripts and later issues build on
 * them): fields may be added, never renamed. The core is
 *
 * ```
 * { tool, version, spec, params, result, complete,
 *   stats: { distinctStates, statesGenerated, depth, seconds, statesPerSecond,
 *            store, omissionProbability, bytesPerState, symmetry },
 *   properties: [{ name, kind, status }],
 *   violations: [{ property, kind, trace: [{ step, action, params, state }] }] }
 * ```
 *
 * plus `error: { code, message }` when `result` is `error`. Each violation also
 * carries the spec's `explain` data merged in (e.g. `cycle`) and its deadlock
 * `class`, when there is one. Extra fields: `incompleteReason`, `source`,
 * `description`, `options`, `stateShape`, `schemaVersion` (the version of
 * docs/report.schema.json the report follows; see json.ts), and in `stats` `queue`,
 * `optimisticCollisionProbability`, `stateWords` and `coverage`.
 *
 * @module
 */
import type { CheckResult, LivenessStats, McError, PorStats, PropertyStatus, ResultStatus } from '../result';
import type { AnySpec } from '../spec';
import { presentState, Shape, shapeOfVariables } from './shape';
import { isRecord, MAX_NESTING, nestingDepth, parseJsonObject } from './values';

/** The `tool` field of every report. */
export const REPORT_TOOL = 'gfpcheck';
/** The `schemaVersion` field of every report: the version of docs/report.schema.json it follows. */
export const REPORT_SCHEMA_VERSION = 1;

export interface ReportStats {
  readonly distinctStates: number;
  readonly statesGenerated: number;
  readonly depth: number;
  /** Wall-clock seconds (never compare in tests). */
  readonly seconds: number;
  readonly statesPerSecond: number;
  /** The visited set, e.g. `fingerprint (64-bit)`. */
  readonly store: string;
  /** Upper bound on Pr[at least one state omitted]: 0 for the exact store, the birthday bound for fingerprints, Stern–Dill for compact. */
  readonly omissionProbability: number;
  readonly bytesPerState: number;
  readonly symmetry: string;
  /** States left on the queue when the search ended, when known. */
  readonly queue?: number;
  /** TLC's "calculated (optimistic)" estimate, fingerprint store only. */
  readonly optimisticCollisionProbability?: number;
  readonly stateWords?: number;
  /** Successors generated per action. */
  readonly coverage?: Readonly<Record<string, number>>;
  /** The recorded state graph of a run with temporal properties: edges, bytes, seconds of the SCC analysis. */
  readonly liveness?: LivenessStats;
  /** Partial-order reduction: whether it was used, what it left out, how the traces were obtained (checker/result.ts `PorStats`). */
  readonly por?: PorStats;
}

export interface ReportStep {
  readonly step: number;
  /** `null` for the initial state. */
  readonly action: string | null;
  readonly params: unknown;
  readonly state: unknown;
}

/** A violation: the core fields, then whatever the spec's `explain` returned (e.g. `cycle`). */
export interface ReportViolation {
  readonly property: string;
  readonly kind: PropertyStatus['kind'];
  readonly class?: string;
  readonly category?: string;
  readonly trace: readonly ReportStep[];
  /** Temporal violations (lassos): the index of the state the last state loops back to. */
  readonly loop?: number;
  /** The step closing the loop; `action: null` is stuttering. */
  readonly loopStep?: { readonly action: string | null; readonly params: unknown };
  readonly [explained: string]: unknown;
}

/** The fields of a violation that are not explanation. */
export const VIOLATION_CORE_FIELDS: readonly string[] = ['property', 'kind', 'class', 'category', 'trace', 'loop', 'loopStep'];

/** The explanation fields of a violation (everything but the core fields). */
export function explanationOf(v: ReportViolation): Record<string, unknown> {
  return Object.fromEntries(Object.entries(v).filter(([k]) => !VIOLATION_CORE_FIELDS.includes(k)));
}

/** The search options a report was produced with (extra field `options`). */
export interface ReportOptions {
  readonly strategy: 'bfs' | 'dfs';
  readonly store: string;
  readonly symmetry: boolean;
  readonly maxStates?: number;
  readonly maxDepth?: number;
  readonly allViolations: boolean;
  /** `undefined`: as the spec says. */
  readonly checkDeadlock?: boolean;
  /** `--deadlock-semantics`; `undefined`: as the spec says. */
  readonly deadlockSemantics?: 'progress' | 'tlc';
  /** `--liveness` / `--no-liveness`; `undefined`: the default. */
  readonly liveness?: boolean;
  /** `--max-omission`, when given (default 1e-6). */
  readonly maxOmission?: number;
  /** `--capacity` of the compact store, when given. */
  readonly capacity?: number;
}

export interface Report {
  readonly tool: string;
  /** The version of docs/report.schema.json (absent in reports of gfpcheck 0.1.0). */
  readonly schemaVersion?: number;
  readonly version: string;
  readonly spec: string;
  readonly params: Readonly<Record<string, unknown>>;
  readonly result: ResultStatus;
  /** True when the whole reachable state space was explored. */
  readonly complete: boolean;
  readonly incompleteReason?: string;
  /**
   * False when the visited set is probabilistic (fingerprint, compact): then a
   * `complete` search is complete only with probability ≥ 1 − `omissionProbability`.
   */
  readonly exact?: boolean;
  /** Upper bound on Pr[a reachable state was omitted] (as `stats.omissionProbability`); 0 when `exact`. */
  readonly omissionProbability?: number;
  /** True when SIGINT/SIGTERM stopped the search (the report holds what was found so far). */
  readonly interrupted?: boolean;
  readonly stats: ReportStats;
  readonly properties: readonly PropertyStatus[];
  readonly violations: readonly ReportViolation[];
  readonly error?: McError;
  /** Where the spec came from, e.g. `reference model diehard` or `module specs/x.ts`. */
  readonly source?: string;
  readonly description?: string;
  readonly options?: ReportOptions;
  /** Shape of trace states (see shape.ts); only for specs without `formatState`. */
  readonly stateShape?: Shape;
}

/** What a report says besides the result. */
export interface ReportMeta {
  readonly version: string;
  /** The spec that was checked: gives the description, and the state shape when it has no `formatState`. */
  readonly spec?: AnySpec;
  readonly source?: string;
  readonly options?: ReportOptions;
}

/** Builds the report of a check. Pure: the same result and meta give the same report. */
export function buildReport(result: CheckResult, meta: ReportMeta): Report {
  const spec = meta.spec;
  const shaped = spec !== undefined && spec.formatState === undefined;
  const present = (s: unknown): unknown => (shaped ? presentState(spec.variables, s) : s);
  const violations = result.violations.map((v): ReportViolation => {
    const core = {
      property: v.property,
      kind: v.kind,
      ...(v.class !== undefined ? { class: v.class } : {}),
      ...(v.category !== undefined ? { category: v.category } : {}),
      trace: v.trace.map((t) => ({ step: t.step, action: t.action, params: t.params, state: present(t.state) })),
      ...(v.loop !== undefined ? { loop: v.loop } : {}),
      ...(v.loopStep !== undefined ? { loopStep: v.loopStep } : {}),
    };
    const explain = v.explain ?? {};
    const clash = Object.keys(explain).some((k) => VIOLATION_CORE_FIELDS.includes(k) || k === 'explain');
    // The explanation is merged in; if it uses a core field's name it is kept whole under `explain` instead.
    return clash ? { ...core, explain } : { ...explain, ...core };
  });
  const s = result.stats;
  const queue = (s as { queue?: number }).queue ?? (result.complete ? 0 : undefined);
  const stats: ReportStats = {
    distinctStates: s.distinctStates,
    statesGenerated: s.statesGenerated,
    depth: s.depth,
    seconds: s.seconds,
    statesPerSecond: s.statesPerSecond,
    store: s.store,
    omissionProbability: s.omissionProbability,
    bytesPerState: s.bytesPerState,
    symmetry: s.symmetry,
    ...(queue !== undefined ? { queue } : {}),
    ...(s.optimisticCollisionProbability !== undefined ? { optimisticCollisionProbability: s.optimisticCollisionProbability } : {}),
    stateWords: s.stateWords,
    coverage: s.coverage,
    ...(s.liveness ? { liveness: s.liveness } : {}),
    ...(s.por ? { por: s.por } : {}),
  };
  return {
    tool: REPORT_TOOL,
    version: meta.version,
    spec: result.spec,
    params: result.params,
    result: result.status,
    complete: result.complete,
    ...(result.incompleteReason !== undefined ? { incompleteReason: result.incompleteReason } : {}),
    stats,
    properties: result.properties.map((p) => ({ ...p })),
    violations,
    schemaVersion: REPORT_SCHEMA_VERSION,
    ...(result.exact !== undefined ? { exact: result.exact } : {}),
    ...(result.omissionProbability !== undefined ? { omissionProbability: result.omissionProbability } : {}),
    ...(result.interrupted ? { interrupted: true } : {}),
    ...(result.error
      ? {
          error: {
            code: result.error.code,
            message: result.error.message,
            // TLC prints the behaviour up to an evaluation error; so does the report (MC201, MC202 in an action).
            ...(result.error.trace ? { trace: result.error.trace.map((t) => ({ step: t.step, action: t.action, params: t.params, state: present(t.state) })) } : {}),
          },
        }
      : {}),
    ...(meta.source !== undefined ? { source: meta.source } : {}),
    ...(spec?.description !== undefined ? { description: spec.description } : {}),
    ...(meta.options ? { options: meta.options } : {}),
    ...(shaped ? { stateShape: shapeOfVariables(spec.variables) } : {}),
  };
}

const RESULTS: readonly string[] = ['holds', 'violated', 'incomplete', 'error'];

/**
 * Reads a saved JSON report. Returns the report, or a message saying why the
 * text is not a gfpcheck report.
 */
export function parseReport(text: string): { ok: true; value: Report } | { ok: false; error: string } {
  const parsed = parseJsonObject(text);
  if (!parsed.ok) return parsed;
  const data = parsed.value;
  if (nestingDepth(data) > MAX_NESTING) return { ok: false, error: `nested deeper than ${MAX_NESTING} levels (the most a report may be)` };
  if (data.tool !== REPORT_TOOL) return { ok: false, error: `not a ${REPORT_TOOL} report (its "tool" field is ${JSON.stringify(data.tool)})` };
  if (typeof data.result !== 'string' || !RESULTS.includes(data.result)) return { ok: false, error: `unknown "result" ${JSON.stringify(data.result)}` };
  for (const k of ['spec', 'version']) if (typeof data[k] !== 'string') return { ok: false, error: `field "${k}" is missing or not a string` };
  if (typeof data.complete !== 'boolean') return { ok: false, error: 'field "complete" is missing or not a boolean' };
  if (!isRecord(data.stats)) return { ok: false, error: 'field "stats" is missing' };
  if (!isRecord(data.params)) return { ok: false, error: 'field "params" is missing' };
  if (!Array.isArray(data.properties)) return { ok: false, error: 'field "properties" is missing' };
  if (!Array.isArray(data.violations) || !data.violations.every((v) => isRecord(v) && Array.isArray(v.trace))) {
    return { ok: false, error: 'field "violations" is missing or has a violation without a trace' };
  }
  return { ok: true, value: data as unknown as Report };
}
