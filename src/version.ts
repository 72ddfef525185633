/**
 * The package version. The build writes it into the bundle (rolldown.config.mjs), so dist/ runs
 * without a package.json beside it (the MCPB bundle ships none); src/ (tests) reads package.json.
 */
import { readFileSync } from 'node:fs';

declare const __PACKAGE_VERSION__: string | undefined;

export const VERSION: string =
  typeof __PACKAGE_VERSION__ === 'string'
    ? __PACKAGE_VERSION__
    : (
        JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
          version: string;
        }
      ).version;
