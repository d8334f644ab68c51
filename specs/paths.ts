/**
 * Where the package lives, so that files shipped beside the sources
 * (package.json, specs/verdicts.json, bin/) are found the same way from the
 * TypeScript checkout (specs/), from the compiled build (dist/specs/) and from
 * an installed package (node_modules/gfpcheck/dist/specs/).
 *
 * @module
 */
import * as fs from 'fs';
import * as path from 'path';

/**
 * The nearest directory at or above `from` holding gfpcheck's package.json.
 * Falls back to the parent of `from` (the layout of the checkout).
 */
export function findPackageRoot(from: string = __dirname): string {
  for (let dir = from; ; ) {
    const pkg = path.join(dir, 'package.json');
    try {
      if ((JSON.parse(fs.readFileSync(pkg, 'utf8')) as { name?: string }).name === 'gfpcheck') return dir;
    } catch {
      // no package.json here, or not JSON: keep looking upwards
    }
    const up = path.dirname(dir);
    if (up === dir) return path.resolve(from, '..');
    dir = up;
  }
}

/** The package root: the checkout, or the installed package's directory. */
export const PACKAGE_ROOT = findPackageRoot();
