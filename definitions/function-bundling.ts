import { join } from 'node:path';

/**
 * Packages the functions find at run time instead of in their bundles: the AWS SDK, which
 * Lambda's Node.js runtime provides, and Powertools, which the stack adds to every function as
 * AWS's published Powertools layer (`powertoolsLayerParameter`), its X-Ray SDK included.
 * Locally, both resolve from `node_modules`.
 *
 * @example
 * build({ entryPoints: [entry], bundle: true, external: [...PROVIDED_MODULES] });
 */
export const PROVIDED_MODULES: readonly string[] = ['@aws-sdk/*', '@aws-lambda-powertools/*'];

/**
 * Modules bundled as another: `debug`, the logging that socket.io-parser requires and that
 * nothing turns on in a function (it prints only under `DEBUG=socket.io-parser`), becomes a
 * silent logger, as socket.io-client's own slim build leaves it out: 10 KB less per bundle.
 *
 * @example
 * build({ entryPoints: [entry], bundle: true, alias: { ...BUNDLE_ALIASES } });
 */
export const BUNDLE_ALIASES: Readonly<Record<string, string>> = {
  debug: join(__dirname, 'silent-debug.cjs'),
};

/**
 * The public SSM parameter that names AWS's Powertools for AWS Lambda (TypeScript) layer of a
 * version, in every commercial region.
 *
 * @example
 * powertoolsLayerParameter('2.36.0'); // '/aws/service/powertools/typescript/generic/all/2.36.0'
 */
export function powertoolsLayerParameter(version: string): string {
  return `/aws/service/powertools/typescript/generic/all/${version}`;
}
