/**
 * The `json` format: the report itself, as one JSON object (see report.ts for
 * the field contract).
 *
 * @module
 */
import type { Renderer } from './renderer';

export const jsonRenderer: Renderer = {
  name: 'json',
  description: 'one JSON object: tool, version, spec, params, result, complete, stats, properties, violations (and error)',
  render: (report) => `${JSON.stringify(report, null, 2)}\n`,
};
