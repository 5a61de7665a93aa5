import { z } from 'zod';

/** A CloudFormation value: a literal or an intrinsic function, resolved later. */
const value = z.unknown();

const keySchema = z.array(
  z.object({ AttributeName: z.string(), KeyType: z.enum(['HASH', 'RANGE']) }),
);
const index = z.looseObject({
  IndexName: z.string(),
  KeySchema: keySchema,
  Projection: z.looseObject({
    ProjectionType: z.enum(['ALL', 'KEYS_ONLY', 'INCLUDE']).optional(),
    NonKeyAttributes: z.array(z.string()).optional(),
  }),
});

/** The properties of the resource types the local runtime reads (others are ignored). */
export const RESOURCE_PROPERTIES = {
  'AWS::ApiGatewayV2::Api': z.looseObject({
    ProtocolType: z.string(),
    RouteSelectionExpression: z.string().optional(),
  }),
  'AWS::ApiGatewayV2::Stage': z.looseObject({ ApiId: value, StageName: z.string() }),
  'AWS::ApiGatewayV2::Route': z.looseObject({
    ApiId: value,
    RouteKey: z.string(),
    Target: value.optional(),
    AuthorizationType: z.string().optional(),
    AuthorizerId: value.optional(),
  }),
  'AWS::ApiGatewayV2::RouteResponse': z.looseObject({
    RouteId: value,
    RouteResponseKey: z.string(),
  }),
  'AWS::ApiGatewayV2::Integration': z.looseObject({
    IntegrationType: z.string(),
    IntegrationUri: value.optional(),
  }),
  'AWS::ApiGatewayV2::IntegrationResponse': z.looseObject({
    IntegrationId: value,
    IntegrationResponseKey: z.string(),
    ResponseTemplates: z.record(z.string(), z.string()).optional(),
  }),
  'AWS::ApiGatewayV2::Authorizer': z.looseObject({
    AuthorizerType: z.string(),
    AuthorizerUri: value.optional(),
    IdentitySource: z.array(z.string()).optional(),
  }),
  'AWS::Lambda::Function': z.looseObject({
    FunctionName: z.string().optional(),
    Handler: z.string().optional(),
    Runtime: z.string().optional(),
    Timeout: z.number().int().positive().optional(),
    MemorySize: z.number().int().positive().optional(),
    ReservedConcurrentExecutions: z.number().int().nonnegative().optional(),
    TracingConfig: z.looseObject({ Mode: z.enum(['Active', 'PassThrough']).optional() }).optional(),
    Environment: z.looseObject({ Variables: z.record(z.string(), value).optional() }).optional(),
    Code: z.looseObject({ ZipFile: value.optional() }).optional(),
  }),
  'AWS::Events::Rule': z.looseObject({
    ScheduleExpression: z.string().optional(),
    State: z.string().optional(),
    Targets: z.array(z.looseObject({ Arn: value })).optional(),
  }),
  'AWS::DynamoDB::Table': z.looseObject({
    TableName: z.string().optional(),
    KeySchema: keySchema,
    AttributeDefinitions: z.array(
      z.object({ AttributeName: z.string(), AttributeType: z.enum(['S', 'N', 'B']) }),
    ),
    GlobalSecondaryIndexes: z.array(index).optional(),
    LocalSecondaryIndexes: z.array(index).optional(),
    TimeToLiveSpecification: z
      .looseObject({ AttributeName: z.string().optional(), Enabled: z.boolean() })
      .optional(),
  }),
} as const;

export type ResourceType = keyof typeof RESOURCE_PROPERTIES;
export type ResourceProperties<T extends ResourceType> = z.infer<(typeof RESOURCE_PROPERTIES)[T]>;

/** A synthesized CloudFormation template, as much as the local runtime needs of it. */
export const templateSchema = z.looseObject({
  Resources: z.record(
    z.string(),
    z.looseObject({
      Type: z.string(),
      Properties: z.record(z.string(), z.unknown()).optional(),
      Metadata: z.record(z.string(), z.unknown()).optional(),
    }),
  ),
});

export type CloudTemplate = z.infer<typeof templateSchema>;
export type TemplateResource = CloudTemplate['Resources'][string];
