/**
 * The `json` format: the report itself, as one JSON object (see report.ts for
 * the field contract), its JSON Schema (`REPORT_SCHEMA`, published as
 * docs/report.schema.json; a test keeps the two equal), and the reader that
 * `gfpcheck render` uses: JSON, then the schema (ajv), then consistency.
 *
 * The schema pins the core fields and their types and allows added fields
 * everywhere (the contract: fields may be added, never renamed).
 * `schemaVersion` says which version of the schema a report follows; a
 * report without one was written before it existed (gfpcheck 0.1.0) and is
 * read as version 1.
 *
 * @module
 */
import Ajv, { ErrorObject, ValidateFunction } from 'ajv';
import type { Renderer } from './renderer';
import type { Report } from './report';
import { REPORT_SCHEMA_VERSION, REPORT_TOOL } from './report';
import { MAX_NESTING, nestingDepth, parseJsonObject } from './values';

export const jsonRenderer: Renderer = {
  name: 'json',
  description: 'one JSON object: tool, schemaVersion, version, spec, params, result, complete, stats, properties, violations (and error)',
  render: (report) => `${JSON.stringify(report, null, 2)}\n`,
};

const shape = {
  oneOf: [
    { type: 'object', required: ['kind'], properties: { kind: { enum: ['scalar'] } } },
    { type: 'object', required: ['kind'], properties: { kind: { enum: ['set', 'option'] }, of: { $ref: '#/definitions/shape' } } },
    { type: 'object', required: ['kind', 'of'], properties: { kind: { enum: ['list', 'map'] }, of: { $ref: '#/definitions/shape' } } },
    { type: 'object', required: ['kind', 'fields'], properties: { kind: { enum: ['record'] }, fields: { type: 'object', additionalProperties: { $ref: '#/definitions/shape' } } } },
  ],
};
const count = { type: 'number', minimum: 0 };
const propertyKind = { enum: ['invariant', 'witness', 'deadlock', 'temporal'] };

/** The JSON Schema (draft-07) of a gfpcheck JSON report. */
export const REPORT_SCHEMA = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  title: 'gfpcheck JSON report',
  description:
    'What `gfpcheck check --format json` prints and `gfpcheck render` reads. Fields may be added, never renamed. A report is also consistent: `holds` means a complete search with no violation and no violated property; `violated` lists at least one violation; `incomplete` is not complete and lists none unless `interrupted` (a search stopped by a signal keeps what it found); `error` carries `error`.',
  type: 'object',
  required: ['tool', 'version', 'spec', 'params', 'result', 'complete', 'stats', 'properties', 'violations'],
  properties: {
    tool: { const: REPORT_TOOL },
    schemaVersion: { type: 'integer', minimum: 1, description: 'The version of this schema the report follows (absent in reports of gfpcheck 0.1.0: version 1).' },
    version: { type: 'string', description: 'The gfpcheck version that wrote the report.' },
    spec: { type: 'string' },
    params: { type: 'object', additionalProperties: { type: ['string', 'number', 'boolean'] } },
    result: { enum: ['holds', 'violated', 'incomplete', 'error'] },
    complete: { type: 'boolean', description: 'Every reachable state was expanded (with a probabilistic store: every state the store kept).' },
    exact: { type: 'boolean', description: 'false: the visited set was a fingerprint or compact store, so a "holds" is a probabilistic claim bounded by omissionProbability.' },
    omissionProbability: { type: 'number', minimum: 0, maximum: 1, description: 'The bound on the probability that the store omitted a reachable state (docs/cli.md, --max-omission).' },
    interrupted: { type: 'boolean', description: 'The search was stopped by SIGINT/SIGTERM (then result is incomplete).' },
    incompleteReason: { type: 'string' },
    stats: {
      type: 'object',
      required: ['distinctStates', 'statesGenerated', 'depth', 'seconds', 'statesPerSecond', 'store', 'omissionProbability', 'bytesPerState', 'symmetry'],
      properties: {
        distinctStates: count,
        statesGenerated: count,
        depth: count,
        seconds: count,
        statesPerSecond: count,
        store: { type: 'string' },
        omissionProbability: { type: 'number', minimum: 0, maximum: 1 },
        bytesPerState: count,
        symmetry: { type: 'string' },
        queue: count,
        optimisticCollisionProbability: { type: 'number', minimum: 0 },
        stateWords: count,
        coverage: { type: 'object', additionalProperties: count },
        liveness: {
          type: 'object',
          required: ['edges', 'bytes', 'seconds'],
          properties: { edges: count, bytes: count, seconds: count, method: { enum: ['acyclic', 'full'] }, fallback: { type: 'string' }, finalStates: count },
        },
        por: {
          type: 'object',
          required: ['status'],
          description: 'Partial-order reduction (docs/architecture.md): on or off (reason), what it left out, how the traces were obtained.',
          properties: {
            status: { type: 'string' },
            reducedStates: count,
            prunedTransitions: count,
            provisoExpansions: count,
            footprintsChecked: count,
            traces: { type: 'string' },
            traceSearchStates: count,
          },
        },
      },
    },
    properties: {
      type: 'array',
      items: {
        type: 'object',
        required: ['name', 'kind', 'status'],
        properties: {
          name: { type: 'string' },
          kind: propertyKind,
          status: { enum: ['holds', 'violated', 'reached', 'unreached', 'unknown', 'disabled'] },
          depth: count,
        },
      },
    },
    violations: {
      type: 'array',
      items: {
        type: 'object',
        required: ['property', 'kind', 'trace'],
        properties: {
          property: { type: 'string' },
          kind: propertyKind,
          class: { type: 'string' },
          trace: { $ref: '#/definitions/trace' },
          loop: { ...count, description: 'Temporal violations (lassos): the index of the trace state the last state loops back to.' },
          loopStep: {
            type: 'object',
            required: ['action'],
            properties: { action: { type: ['string', 'null'], description: 'The step closing the loop; null: stuttering.' }, params: {} },
          },
        },
      },
    },
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: { type: 'string', pattern: '^MC[0-9]{3}$' },
        message: { type: 'string' },
        trace: { $ref: '#/definitions/trace', description: 'For an error raised by spec code during the search: the behaviour up to the state being processed.' },
      },
    },
    source: { type: 'string' },
    description: { type: 'string' },
    options: {
      type: 'object',
      required: ['strategy', 'store', 'symmetry', 'allViolations'],
      properties: {
        strategy: { enum: ['bfs', 'dfs'] },
        store: { type: 'string' },
        symmetry: { type: 'boolean' },
        maxStates: count,
        maxDepth: count,
        allViolations: { type: 'boolean' },
        checkDeadlock: { type: 'boolean' },
        deadlockSemantics: { enum: ['progress', 'tlc'] },
        liveness: { type: 'boolean' },
      },
    },
    stateShape: { $ref: '#/definitions/shape' },
  },
  allOf: [
    { if: { properties: { result: { const: 'holds' } } }, then: { properties: { complete: { const: true }, violations: { maxItems: 0 } } } },
    { if: { properties: { result: { const: 'violated' } } }, then: { properties: { violations: { minItems: 1 } } } },
    { if: { properties: { result: { const: 'incomplete' } } }, then: { properties: { complete: { const: false } } } },
    {
      if: { properties: { result: { const: 'incomplete' } }, not: { required: ['interrupted'], properties: { interrupted: { const: true } } } },
      then: { properties: { violations: { maxItems: 0 } } },
    },
    { if: { properties: { result: { const: 'error' } } }, then: { required: ['error'] } },
  ],
  definitions: {
    shape,
    trace: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        required: ['step', 'action', 'state'],
        properties: { step: { type: 'integer', minimum: 0 }, action: { type: ['string', 'null'] }, params: {}, state: {} },
      },
    },
  },
} as const;

let validator: ValidateFunction | undefined;

function describeError(e: ErrorObject): string {
  const at = e.instancePath === '' ? 'the report' : `field ${e.instancePath.slice(1).replace(/\//g, '.')}`;
  if (e.keyword === 'required') return `${at} lacks "${(e.params as { missingProperty: string }).missingProperty}"`;
  if (e.keyword === 'enum') return `${at} must be one of ${(e.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ')}`;
  if (e.keyword === 'const') return `${at} must be ${JSON.stringify((e.params as { allowedValue: unknown }).allowedValue)}`;
  return `${at} ${e.message ?? 'is invalid'}`;
}

/** The first inconsistency between a schema-valid report's result and the rest, or undefined. */
export function reportInconsistency(r: Report): string | undefined {
  const n = r.violations.length;
  const violated = r.properties.filter((p) => p.status === 'violated').map((p) => p.name);
  const known = new Set(r.properties.map((p) => p.name));
  switch (r.result) {
    case 'holds':
      if (!r.complete) return 'result is "holds" but the search is not complete';
      if (n > 0) return `result is "holds" but it lists ${n} violation${n === 1 ? '' : 's'}`;
      if (violated.length > 0) return `result is "holds" but property ${violated[0]} is "violated"`;
      break;
    case 'violated':
      if (n === 0) return 'result is "violated" but it lists no violation';
      break;
    case 'incomplete':
      if (r.complete) return 'result is "incomplete" but "complete" is true';
      // An interrupted search (SIGINT/SIGTERM) keeps the violations it found, with their traces.
      if (n > 0 && r.interrupted !== true) return `result is "incomplete" but it lists ${n} violation${n === 1 ? '' : 's'} (only an interrupted search may)`;
      break;
    case 'error':
      if (!r.error) return 'result is "error" but it has no "error"';
      break;
  }
  if (r.properties.length > 0) {
    const stray = r.violations.find((v) => !known.has(v.property));
    if (stray) return `violation of "${stray.property}", which is not among its properties`;
    const unlisted = r.violations.find((v) => r.properties.some((p) => p.name === v.property && p.status !== 'violated'));
    if (unlisted) return `violation of "${unlisted.property}", whose property status is not "violated"`;
  }
  return undefined;
}

/**
 * Reads a saved JSON report for `render`: valid JSON, valid against
 * `REPORT_SCHEMA` (ajv), of a schema version this gfpcheck reads, and
 * consistent. Returns the report, or a message saying what is wrong.
 */
export function readReport(text: string): { ok: true; value: Report } | { ok: false; error: string } {
  const parsed = parseJsonObject(text);
  if (!parsed.ok) return parsed;
  const data = parsed.value;
  // Before anything recursive (the validator, the renderers) walks it.
  if (nestingDepth(data) > MAX_NESTING) return { ok: false, error: `nested deeper than ${MAX_NESTING} levels (the most a report may be)` };
  if (data.tool !== REPORT_TOOL) return { ok: false, error: `not a ${REPORT_TOOL} report (its "tool" field is ${JSON.stringify(data.tool)})` };
  if (typeof data.schemaVersion === 'number' && data.schemaVersion > REPORT_SCHEMA_VERSION) {
    return { ok: false, error: `its schemaVersion ${data.schemaVersion} is newer than this gfpcheck reads (${REPORT_SCHEMA_VERSION}); render it with the gfpcheck that wrote it (${String(data.version)})` };
  }
  validator ??= new Ajv({ allErrors: true, strict: false }).compile(REPORT_SCHEMA);
  if (!validator(data)) {
    const errors = (validator.errors ?? []).filter((e) => e.keyword !== 'if');
    const shown = errors.slice(0, 3).map(describeError);
    return { ok: false, error: `it does not follow docs/report.schema.json: ${shown.join('; ')}${errors.length > 3 ? ` (and ${errors.length - 3} more)` : ''}` };
  }
  const report = data as unknown as Report;
  const inconsistent = reportInconsistency(report);
  if (inconsistent) return { ok: false, error: `it is inconsistent: ${inconsistent}` };
  return { ok: true, value: report };
}
