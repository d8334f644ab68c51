/**
 * Reports and their renderers: the JSON report (the contract), and the text,
 * json and itf formats. `defaultRenderers` is what the CLI offers for
 * `--format`; a new format is a new module added to that list where the CLI is
 * composed.
 *
 * @module
 */
import { itfRenderer } from './itf';
import { jsonRenderer } from './json';
import type { Renderer } from './renderer';
import { textRenderer } from './text';
import { htmlRenderer } from './html';
import { dotRenderer } from './dot';

export { buildReport, parseReport, explanationOf, REPORT_SCHEMA_VERSION, REPORT_TOOL, VIOLATION_CORE_FIELDS } from './report';
export type { Report, ReportMeta, ReportOptions, ReportStats, ReportStep, ReportViolation } from './report';
export type { Renderer } from './renderer';
export { findRenderer } from './renderer';
export { textRenderer, renderText, formatTrace, formatViolation, formatStepAction, textRendererWith } from './text';
export type { ViolationExtra } from './text';
export { genericTraceView, traceViewOf, drawableProblem, MAX_VARIABLE_LANES } from './view';
export { htmlRenderer, htmlRendererWith, renderHtml, htmlPage, reportHeader, violationSection, traceSvg, esc, scriptJson, HTML_LAYOUT } from './html';
export type { HtmlSection } from './html';
export { dotRenderer, dotRendererWith, renderDot, dotString } from './dot';
export type { TraceView, TraceViewBuilder, ViewArrow, ViewCycleEdge, ViewGroup, ViewLane, ViewLaneState, ViewStep, ViewWait } from './view';
export { jsonRenderer, readReport, reportInconsistency, REPORT_SCHEMA } from './json';
export { itfRenderer, itfTrace, itfTraces, toItfValue, ITF_FORMAT_DESCRIPTION } from './itf';
export type { ItfTrace } from './itf';
export { diffStates, deepEqual, isLeaf, topLevel } from './diff';
export type { PathValue } from './diff';
export { presentState, presentValue, shapeOfDomain, shapeOfVariables } from './shape';
export type { Shape } from './shape';
export { formatProgress, formatProgressStatus, formatStepStatus, formatBar, formatBytes, formatElapsed, ProgressLine } from './progress';
export type { ProgressSink } from './progress';
export { renderCheckJunit, checkProperties, junitProperties, xmlEscape } from './junit';
export { formatCount, formatProbability, formatValue, formatOutline, isRecord, joinPath, parseJsonObject } from './values';

/** The formats every build of the CLI offers, in `--help` order. */
export const defaultRenderers: readonly Renderer[] = [textRenderer, jsonRenderer, itfRenderer, htmlRenderer, dotRenderer];
