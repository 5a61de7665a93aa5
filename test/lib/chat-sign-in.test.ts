import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { LOCAL_PAGE_URL } from '../../lib/chat-sign-in';
import { ChatStack } from '../../lib/chat-stack';
import { functionIds, onlyIdOf, render, resourceOf } from './template-helpers';

let tmp: string;
let pageDir: string;

/** A ChatStack (hosting the fixture page unless `hosted` is false), unbundled. */
function synth(context: Record<string, unknown> = {}, hosted = true): Template {
  const app = new App({
    outdir: mkdtempSync(path.join(tmp, 'cdk.out-')),
    context: { 'aws:cdk:bundling-stacks': [], ...context },
  });
  return Template.fromStack(
    new ChatStack(app, 'SignInStack', { webDir: hosted ? pageDir : undefined }),
  );
}

function propertiesOf(template: Template, type: string): Record<string, unknown> {
  return resourceOf(template, type, onlyIdOf(template, type)).Properties;
}

beforeAll(() => {
  tmp = mkdtempSync(path.join(tmpdir(), 'chat-sign-in-test-'));
  pageDir = path.join(tmp, 'page');
  mkdirSync(pageDir);
  writeFileSync(path.join(pageDir, 'index.html'), '<!doctype html><title>fixture</title>');
});

afterAll(() => {
  rmSync(tmp, { recursive: true, force: true });
});

describe('Class: ChatSignIn (authMode=cognito, the default)', () => {
  let template: Template;

  beforeAll(() => {
    template = synth();
  });

  it('creates one user pool people sign up to themselves, email verified, with a strong password policy', () => {
    // Act
    const pool = propertiesOf(template, 'AWS::Cognito::UserPool');

    // Assess
    expect(pool.AdminCreateUserConfig).toEqual({ AllowAdminCreateUserOnly: false });
    expect(pool.AutoVerifiedAttributes).toEqual(['email']);
    expect(pool.AliasAttributes).toEqual(['email']);
    expect(pool.Policies).toMatchObject({
      PasswordPolicy: {
        MinimumLength: 12,
        RequireLowercase: true,
        RequireUppercase: true,
        RequireNumbers: true,
        RequireSymbols: true,
      },
    });
  });

  it('has one public page client: authorization code flow only, no secret, no password flows', () => {
    // Act
    const client = propertiesOf(template, 'AWS::Cognito::UserPoolClient');

    // Assess
    expect(client.GenerateSecret).toBe(false);
    expect(client.AllowedOAuthFlowsUserPoolClient).toBe(true);
    expect(client.AllowedOAuthFlows).toEqual(['code']);
    expect(client.ExplicitAuthFlows).toEqual(['ALLOW_REFRESH_TOKEN_AUTH']);
    expect(client.AllowedOAuthScopes).toEqual(['openid', 'profile', 'email']);
    expect(client.SupportedIdentityProviders).toEqual(['COGNITO']);
    expect(client.PreventUserExistenceErrors).toBe('ENABLED');
    expect(client.EnableTokenRevocation).toBe(true);
    expect(client.AccessTokenValidity).toBe(60);
    expect(render(client.UserPoolId)).toBe(`{${onlyIdOf(template, 'AWS::Cognito::UserPool')}}`);
  });

  it('sends people back to the deployed page and to localhost, after sign-in and after sign-out', () => {
    // Prepare
    const distributionId = onlyIdOf(template, 'AWS::CloudFront::Distribution');
    const expected = [LOCAL_PAGE_URL, `https://{${distributionId}.DomainName}/`];

    // Act
    const client = propertiesOf(template, 'AWS::Cognito::UserPoolClient');

    // Assess
    expect((client.CallbackURLs as unknown[]).map(render)).toEqual(expected);
    expect((client.LogoutURLs as unknown[]).map(render)).toEqual(expected);
  });

  it('only localhost when the stack hosts no page', () => {
    // Act
    const client = propertiesOf(synth({}, false), 'AWS::Cognito::UserPoolClient');

    // Assess
    expect(client.CallbackURLs).toEqual([LOCAL_PAGE_URL]);
    expect(client.LogoutURLs).toEqual([LOCAL_PAGE_URL]);
  });

  it('hosts the sign-in pages on a Cognito domain named after the stack id', () => {
    // Act
    const domain = propertiesOf(template, 'AWS::Cognito::UserPoolDomain');

    // Assess
    expect(render(domain.UserPoolId)).toBe(`{${onlyIdOf(template, 'AWS::Cognito::UserPool')}}`);
    expect(JSON.stringify(domain.Domain)).toContain('AWS::StackId');
    expect(JSON.stringify(domain.Domain)).toContain('apigw-chat');
  });

  it('takes the domain prefix from cognitoDomainPrefix', () => {
    // Act
    const domain = propertiesOf(
      synth({ cognitoDomainPrefix: 'team-chat-1' }),
      'AWS::Cognito::UserPoolDomain',
    );

    // Assess
    expect(domain.Domain).toBe('team-chat-1');
  });

  it("wires the authorizer to the pool's issuer, JWKS and page client", () => {
    // Prepare
    const poolId = onlyIdOf(template, 'AWS::Cognito::UserPool');
    const fn = resourceOf(template, 'AWS::Lambda::Function', functionIds(template).authorize);

    // Act
    const variables = (fn.Properties.Environment as { Variables: Record<string, unknown> })
      .Variables;

    // Assess
    expect(render(variables.AUTH_MODE)).toBe('jwt');
    expect(render(variables.JWT_ISSUER)).toBe(`{${poolId}.ProviderURL}`);
    expect(render(variables.JWT_JWKS_URI)).toBe(`{${poolId}.ProviderURL}/.well-known/jwks.json`);
    expect(render(variables.JWT_AUDIENCE)).toBe(
      `{${onlyIdOf(template, 'AWS::Cognito::UserPoolClient')}}`,
    );
  });

  it.each([
    ['jwt', { authMode: 'jwt', jwtIssuer: 'https://login.example.com', jwtAudience: 'chat' }],
    ['anonymous', { authMode: 'anonymous' }],
  ])('is not created in %s mode', (_mode, context) => {
    // Act
    const other = synth(context);

    // Assess
    other.resourceCountIs('AWS::Cognito::UserPool', 0);
    other.resourceCountIs('AWS::Cognito::UserPoolClient', 0);
    other.resourceCountIs('AWS::Cognito::UserPoolDomain', 0);
  });
});
