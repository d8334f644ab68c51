/**
 * The Linux storage-stack model: layers composed into a Spec for the engine.
 *
 * @module
 */
export { buildStackSpec, composeStack, listLayers, listParams, listStacks, parseStack, StackError } from './stack';
export type { StackOptions, ComposedStack } from './stack';
export type { RemapLayerDecl } from './block/remap';
export { defaultKernelConfig, resolveConfig } from './core/config';
export type { KernelConfig, ScopeRule, AllocSite, RouteAllocSite, FsName } from './core/config';
export { formatGfp, parseGfp, GFP_BITS } from './mm/gfp';
export type { Gfp, GfpFlag } from './mm/gfp';
export { currentGfpContext } from './kernel';
export { PF_BITS, ROLES } from './core/task';
export type { Role, TaskFlag } from './core/task';
