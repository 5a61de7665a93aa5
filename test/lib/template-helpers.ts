import type { Template } from 'aws-cdk-lib/assertions';
import { type FunctionName, LAMBDA_FUNCTIONS } from '../../definitions/api';

type Json = unknown;

export interface Resource {
  readonly Type: string;
  readonly Properties: Record<string, Json>;
  readonly DeletionPolicy?: string;
  readonly UpdateReplacePolicy?: string;
}

export interface Statement {
  readonly Action: string | string[];
  readonly Resource: Json;
  readonly Effect: string;
  readonly Condition?: Json;
}

/**
 * Renders a CloudFormation value as a readable string: `{Ref}` for a Ref, `{Id.Attr}` for a
 * GetAtt, Fn::Join joined.
 *
 * @example
 * render({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }]] }); // 'arn:{AWS::Partition}'
 */
export function render(value: Json): string {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object') {
    const v = value as Record<string, Json>;
    if (typeof v.Ref === 'string') return `{${v.Ref}}`;
    const getAtt = v['Fn::GetAtt'];
    if (Array.isArray(getAtt)) return `{${getAtt.join('.')}}`;
    const join = v['Fn::Join'];
    if (Array.isArray(join)) {
      const [separator, parts] = join as [string, Json[]];
      return parts.map(render).join(separator);
    }
  }
  return JSON.stringify(value);
}

/** The resources of one type, by logical id. */
export function resourcesOf(template: Template, type: string): Record<string, Resource> {
  return template.findResources(type) as Record<string, Resource>;
}

/** One resource by type and logical id; throws when it is missing. */
export function resourceOf(template: Template, type: string, id: string): Resource {
  const resource = resourcesOf(template, type)[id];
  if (!resource) throw new Error(`No ${type} ${id}`);
  return resource;
}

/** The logical id of the only resource of a type; throws when there is not exactly one. */
export function onlyIdOf(template: Template, type: string): string {
  const ids = Object.keys(resourcesOf(template, type));
  if (ids.length !== 1) throw new Error(`Expected one ${type}, found ${ids.length}`);
  return ids[0] as string;
}

/** Lambda logical ids by function name, matched on their description. */
export function functionIds(template: Template): Record<FunctionName, string> {
  const functions = Object.entries(resourcesOf(template, 'AWS::Lambda::Function'));
  const names = Object.keys(LAMBDA_FUNCTIONS) as FunctionName[];
  return Object.fromEntries(
    names.map((name) => {
      const match = functions.find(
        ([, fn]) => fn.Properties.Description === LAMBDA_FUNCTIONS[name].description,
      );
      if (!match) throw new Error(`No Lambda function for ${name}`);
      return [name, match[0]];
    }),
  ) as Record<FunctionName, string>;
}

/** Every policy statement attached to the execution role of one Lambda function. */
export function statementsOf(template: Template, functionId: string): Statement[] {
  const fn = resourceOf(template, 'AWS::Lambda::Function', functionId);
  const roleRef = render(fn.Properties.Role).replace(/\.Arn\}$/, '}');
  return Object.values(resourcesOf(template, 'AWS::IAM::Policy'))
    .filter((policy) => (policy.Properties.Roles as unknown[]).map(render).includes(roleRef))
    .flatMap(
      (policy) => (policy.Properties.PolicyDocument as { Statement: Statement[] }).Statement,
    );
}

/** Statements that allow a given action. */
export function statementsWithAction(statements: Statement[], action: string): Statement[] {
  return statements.filter((s) => [s.Action].flat().includes(action));
}

/** Route keys by the route's logical id. */
export function routeKeysById(template: Template): Record<string, string> {
  return Object.fromEntries(
    Object.entries(resourcesOf(template, 'AWS::ApiGatewayV2::Route')).map(([id, route]) => [
      id,
      route.Properties.RouteKey as string,
    ]),
  );
}

/** The integration resource a route targets (`integrations/{IntegrationId}`). */
export function integrationOf(template: Template, routeKey: string): [string, Resource] {
  const route = Object.values(resourcesOf(template, 'AWS::ApiGatewayV2::Route')).find(
    (r) => r.Properties.RouteKey === routeKey,
  );
  const target = render(route?.Properties.Target);
  const integrationId = /^integrations\/\{(.+)\}$/.exec(target)?.[1] ?? '';
  const integration = resourcesOf(template, 'AWS::ApiGatewayV2::Integration')[integrationId];
  if (!integration) throw new Error(`Route ${routeKey} targets no integration (${target})`);
  return [integrationId, integration];
}

/** The key a static template selection expression picks (`\$default` → `$default`). */
export function selectedTemplateKey(selectionExpression: Json): string {
  return String(selectionExpression).replace(/\\\$/g, '$');
}
