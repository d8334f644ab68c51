/**
 * The kernel model's pictures plugged into the generic formats: `text` gains
 * the ASCII swimlane after each kernel-stack deadlock (swimlane.ts), `html`
 * and `dot` draw kernel traces with the kernel view (kernelView.ts: a lane per
 * task grouped by layer, requests, waits, the wait-for cycle). Reports of
 * other specs (the reference models, a user's module) keep the generic
 * pictures of checker/report.
 *
 * @module
 */
import type { Renderer, Report, ReportViolation } from '../../checker/report';
import { dotRendererWith, htmlRendererWith, textRendererWith } from '../../checker/report';
import { isKernelReport, kernelTraceView } from './kernelView';
import { swimlaneLines } from './swimlane';

/** The swimlane after a kernel-stack deadlock in `--format text` ([] for anything else). */
export function textSwimlane(v: ReportViolation, r: Report): string[] {
  return v.kind === 'deadlock' && isKernelReport(r, v) ? swimlaneLines(r, v) : [];
}

export const kernelTextRenderer: Renderer = textRendererWith(textSwimlane);
export const kernelHtmlRenderer: Renderer = htmlRendererWith(kernelTraceView);
export const kernelDotRenderer: Renderer = dotRendererWith(kernelTraceView);

/** The renderers with the kernel's pictures in place of the generic text, html and dot. */
export function withKernelPictures(renderers: readonly Renderer[]): Renderer[] {
  const swap: Record<string, Renderer> = { text: kernelTextRenderer, html: kernelHtmlRenderer, dot: kernelDotRenderer };
  return renderers.map((r) => swap[r.name] ?? r);
}
