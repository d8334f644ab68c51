/**
 * Renderers: one module per output format, all behind one small interface,
 * so that adding a format (e.g. `mail`) is a new module plus one line where
 * the CLI is composed.
 *
 * @module
 */
import type { Report } from './report';

/** Turns a report into the text of one output format. */
export interface Renderer {
  /** The `--format` value, e.g. `text`. */
  readonly name: string;
  /** One line for `--help`. */
  readonly description: string;
  /** The whole output, ending with a newline. Pure: no clock, no I/O. */
  render(report: Report): string;
  /** Why this format cannot render a report (e.g. a picture of a report whose trace is empty), or undefined when it can. */
  problem?(report: Report): string | undefined;
}

/** Finds a renderer by name. */
export function findRenderer(renderers: readonly Renderer[], name: string): Renderer | undefined {
  return renderers.find((r) => r.name === name);
}
