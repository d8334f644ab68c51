/**
 * The library entry point of the `gfpcheck` package:
 * `import { check, int, bool, Spec } from 'gfpcheck'` (or `require('gfpcheck')`).
 *
 * It is the engine's public surface (checker/index.ts): the domains, the Spec
 * API, `check` and its result types, layouts and trace replay. The command
 * line is `bin/gfpcheck`; the generic CLI machinery, for a tool of your own
 * built on the engine, is `gfpcheck/cli`.
 *
 * It also carries the types of a fix module of the user's own
 * (`gfpcheck check --stack S --fix ./my-fix.ts`, docs/adding-a-fix.md):
 * `import type { Fix } from 'gfpcheck'`, and of a layer module
(`--layer ./dm-linear.ts`): `LayerModule`. They are types only: the kernel
 * model is not loaded by `require('gfpcheck')`.
 *
 * @module
 */
export * from './checker';
export type { Fix, FixDelta } from './specs/fixes/types';
export type { LayerModule } from './specs/layers';
export type { KernelConfig, ScopeRule, AllocSite, RouteAllocSite, FsName, GfpFlag, Role, TaskFlag } from './models';
