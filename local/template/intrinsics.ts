/** What `Ref` and `Fn::GetAtt` of each resource and pseudo parameter stand for locally. */
export interface IntrinsicValues {
  /** `Ref` of a logical id or pseudo parameter (`AWS::Region`, …). */
  ref(logicalId: string): string | undefined;
  /** `Fn::GetAtt` of a logical id's attribute. */
  getAtt(logicalId: string, attribute: string): string | undefined;
}

/** A template value the local runtime cannot work out. */
export class UnresolvableValueError extends Error {
  constructor(detail: string) {
    super(`Cannot resolve ${detail}`);
    this.name = 'UnresolvableValueError';
  }
}

/**
 * Resolves a CloudFormation value to a string: literals, `Ref`, `Fn::GetAtt`, `Fn::Join`,
 * `Fn::Sub` (with or without its variable map) and `Fn::Select`.
 *
 * @throws UnresolvableValueError on another intrinsic or an unknown reference.
 * @example
 * resolveString({ 'Fn::Join': ['', ['https://', { Ref: 'Api' }, '.execute-api']] }, values); // 'https://a1b2c3.execute-api'
 */
export function resolveString(value: unknown, values: IntrinsicValues): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  const resolved = resolveAny(value, values);
  if (typeof resolved !== 'string') {
    throw new UnresolvableValueError(`${JSON.stringify(value)} to a string`);
  }
  return resolved;
}

function resolveAny(value: unknown, values: IntrinsicValues): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map((item) => resolveAny(item, values));
  const entries = Object.entries(value);
  const [key, argument] = entries[0] ?? [];
  if (entries.length !== 1 || key === undefined) return value;
  switch (key) {
    case 'Ref':
      return known(values.ref(String(argument)), `Ref ${String(argument)}`);
    case 'Fn::GetAtt': {
      const [id, attribute] = Array.isArray(argument)
        ? argument.map(String)
        : String(argument).split('.');
      return known(values.getAtt(String(id), String(attribute)), `Fn::GetAtt ${id}.${attribute}`);
    }
    case 'Fn::Join': {
      const [separator, items] = argument as [string, unknown[]];
      const list = resolveAny(items, values) as unknown[];
      return list.map((item) => resolveString(item, values)).join(separator);
    }
    case 'Fn::Select': {
      const [index, items] = argument as [unknown, unknown];
      const list = resolveAny(items, values) as unknown[];
      return list[Number(resolveString(index, values))];
    }
    case 'Fn::Sub':
      return substitute(argument, values);
    default:
      throw new UnresolvableValueError(`${key} (not emulated)`);
  }
}

function substitute(argument: unknown, values: IntrinsicValues): string {
  const [text, variables] = Array.isArray(argument)
    ? (argument as [string, Record<string, unknown>])
    : [String(argument), {}];
  return text.replace(/\$\{([^}!][^}]*)\}/g, (_match, name: string) => {
    if (name in variables) return resolveString(variables[name], values);
    const [id, attribute] = name.split('.');
    if (attribute !== undefined) {
      return known(values.getAtt(String(id), attribute), `\${${name}}`);
    }
    return known(values.ref(name), `\${${name}}`);
  });
}

function known(value: string | undefined, what: string): string {
  if (value === undefined) throw new UnresolvableValueError(what);
  return value;
}
