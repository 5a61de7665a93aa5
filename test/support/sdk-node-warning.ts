/**
 * The AWS SDK's warning to Node versions below 22 (SDK releases from January 2027 need 22),
 * which output must never show: the project runs on Node 22 like its Lambda functions.
 *
 * @example
 * expect(result.stderr).not.toMatch(SDK_NODE_WARNING);
 */
export const SDK_NODE_WARNING = /NodeVersionSupportWarning|will require node >=/;
