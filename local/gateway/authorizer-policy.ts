import { z } from 'zod';

const stringOrList = z.union([z.string(), z.array(z.string())]);

const statementSchema = z.looseObject({
  Effect: z.enum(['Allow', 'Deny']),
  Action: stringOrList,
  Resource: stringOrList,
});

/** An IAM policy document as a Lambda authorizer returns it. */
export const policyDocumentSchema = z.looseObject({
  Version: z.string().optional(),
  Statement: z.union([statementSchema, z.array(statementSchema)]),
});

export type PolicyDocument = z.infer<typeof policyDocumentSchema>;

const INVOKE_ACTIONS = new Set(['execute-api:Invoke', 'execute-api:*', '*']);

/**
 * Whether the policy allows `execute-api:Invoke` on `methodArn`: some Allow statement
 * matches and no Deny statement does. `*` and `?` in resources are wildcards.
 *
 * @example
 * isInvokeAllowed({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'execute-api:Invoke', Resource: '*' }] }, arn); // true
 */
export function isInvokeAllowed(policy: PolicyDocument, methodArn: string): boolean {
  const statements = Array.isArray(policy.Statement) ? policy.Statement : [policy.Statement];
  const matching = statements.filter(
    (statement) =>
      asList(statement.Action).some((action) => INVOKE_ACTIONS.has(action)) &&
      asList(statement.Resource).some((resource) => wildcardMatches(resource, methodArn)),
  );
  return matching.some((s) => s.Effect === 'Allow') && !matching.some((s) => s.Effect === 'Deny');
}

function asList(value: string | string[]): string[] {
  return Array.isArray(value) ? value : [value];
}

function wildcardMatches(pattern: string, value: string): boolean {
  const source = pattern
    .split('')
    .map((char) =>
      char === '*' ? '.*' : char === '?' ? '.' : char.replace(/[.+^${}()|[\]\\]/g, '\\$&'),
    )
    .join('');
  return new RegExp(`^${source}$`).test(value);
}
