/** The `file#ExportName` form of `-c nestModule=…` and `npm start -- --nest …`. */
export const NEST_MODULE_PATTERN = /^[^#]+\.(?:ts|mts|cts|js|mjs|cjs)#[A-Za-z_$][\w$]*$/;

/** A Nest module whose gateways the stack deploys in place of the chat's namespaces. */
export interface NestGatewayModule {
  /** The TypeScript file that exports the module: absolute, or relative to the working directory. */
  readonly file: string;
  /** The module's export name, e.g. `ChatModule`. */
  readonly exportName: string;
}

/**
 * Reads `file#ExportName`.
 *
 * @example
 * parseNestModule('examples/nest-chat/chat.module.ts#ChatModule'); // { file: 'examples/nest-chat/chat.module.ts', exportName: 'ChatModule' }
 */
export function parseNestModule(text: string): NestGatewayModule {
  if (!NEST_MODULE_PATTERN.test(text)) {
    throw new Error(
      `Invalid Nest module "${text}": expected <file>#<ExportName>, e.g. src/chat.module.ts#ChatModule`,
    );
  }
  const [file, exportName] = text.split('#') as [string, string];
  return { file, exportName };
}
