import { Aws, Duration, Fn, Lazy, type RemovalPolicy } from 'aws-cdk-lib';
import {
  AccountRecovery,
  OAuthScope,
  UserPool,
  type UserPoolClient,
  UserPoolClientIdentityProvider,
  type UserPoolDomain,
} from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';
import type { PageSignInConfig } from '../definitions/page-config';

/** The page of `npm start` (default port): it may sign in against a deployed pool too. */
export const LOCAL_PAGE_URL = 'http://localhost:3001/';

/** What the page asks for: the ID token names the user on the page, the access token goes to `$connect`. */
const SCOPES = [OAuthScope.OPENID, OAuthScope.PROFILE, OAuthScope.EMAIL];

export interface ChatSignInProps {
  /**
   * The hosted sign-in domain's prefix (`<prefix>.auth.<region>.amazoncognito.com`), unique in
   * the region. @default `apigw-chat-` and the last 12 hex digits of the stack id
   */
  readonly domainPrefix?: string;
  /** Of the user pool: DESTROY deletes every account with the stack. */
  readonly removalPolicy: RemovalPolicy;
}

/**
 * Sign-in for the chat page: a Cognito user pool people sign up to themselves (email
 * verified), a public app client (authorization code flow only, no secret: the page uses
 * PKCE; no password or SRP flows, only refresh) and a hosted sign-in domain. The page's URLs
 * (redirect and sign-out) are `LOCAL_PAGE_URL` and those given to `addPageUrl`. The
 * authorizer verifies the pool's access tokens: issuer `issuer`, audience `client_id`, keys at
 * `jwksUri` (RS256).
 *
 * @example
 * const signIn = new ChatSignIn(this, 'SignIn', { removalPolicy });
 * signIn.addPageUrl(`${web.url}/`);
 */
export class ChatSignIn extends Construct {
  readonly userPool: UserPool;
  readonly client: UserPoolClient;
  readonly domain: UserPoolDomain;
  /** `https://cognito-idp.<region>.amazonaws.com/<pool id>`: the `iss` of the pool's tokens. */
  readonly issuer: string;
  /** The pool's signing keys. */
  readonly jwksUri: string;
  private readonly pageUrls: string[] = [LOCAL_PAGE_URL];

  constructor(scope: Construct, id: string, props: ChatSignInProps) {
    super(scope, id);
    this.userPool = new UserPool(this, 'UserPool', {
      selfSignUpEnabled: true,
      signInAliases: { username: true, email: true },
      autoVerify: { email: true },
      standardAttributes: { email: { required: true, mutable: true } },
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      removalPolicy: props.removalPolicy,
    });
    const pageUrls = Lazy.list({ produce: () => this.pageUrls });
    this.client = this.userPool.addClient('PageClient', {
      generateSecret: false,
      authFlows: { userPassword: false, userSrp: false, custom: false, adminUserPassword: false },
      oAuth: {
        flows: { authorizationCodeGrant: true, implicitCodeGrant: false, clientCredentials: false },
        scopes: SCOPES,
        callbackUrls: pageUrls,
        logoutUrls: pageUrls,
      },
      supportedIdentityProviders: [UserPoolClientIdentityProvider.COGNITO],
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      accessTokenValidity: Duration.hours(1),
      idTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.days(30),
    });
    this.domain = this.userPool.addDomain('Domain', {
      cognitoDomain: { domainPrefix: props.domainPrefix ?? defaultDomainPrefix() },
    });
    this.issuer = this.userPool.userPoolProviderUrl;
    this.jwksUri = `${this.issuer}/.well-known/jwks.json`;
  }

  /** Lets the page at `url` (e.g. `https://<distribution>/`) come back after sign-in and sign-out. */
  addPageUrl(url: string): void {
    this.pageUrls.push(url);
  }

  /** The page's sign-in settings for `config.json`. */
  get pageConfig(): PageSignInConfig {
    return {
      issuer: this.issuer,
      clientId: this.client.userPoolClientId,
      scope: SCOPES.map((scope) => scope.scopeName).join(' '),
      logoutEndpoint: `${this.domain.baseUrl()}/logout`,
    };
  }
}

/** `apigw-chat-<12 hex digits of the stack id>`: unique per stack, stable across deployments. */
function defaultDomainPrefix(): string {
  const stackGuid = Fn.select(2, Fn.split('/', Aws.STACK_ID));
  return Fn.join('-', ['apigw-chat', Fn.select(4, Fn.split('-', stackGuid))]);
}
