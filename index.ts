/**
 * The library entry point of the `gfpcheck` package:
 * `import { check, int, bool, Spec } from 'gfpcheck'` (or `require('gfpcheck')`).
 *
 * It is the engine's public surface (checker/index.ts): the domains, the Spec
 * API, `check` and its result types, layouts and trace replay. The command
 * line is `bin/gfpcheck`; the generic CLI machinery, for a tool of your own
 * built on the engine, is `gfpcheck/cli`.
 *
 * @module
 */
export * from './checker';
