// The identity endpoint and access tokens [2].
//
// GET|POST /identity/oauth/token?grant_type=client_credentials&client_id=..&client_secret=..
// answers {access_token, token_type, expires_in, scope}. Asking again before expiry returns the
// same token with its remaining lifetime; only after expiry is a new one issued (Authentication). Errors
// are OAuth-style JSON, not the Marketo envelope, with HTTP 400/401.

import { randomUUID } from 'node:crypto';
import { GRANT_TYPE_CLIENT_CREDENTIALS, TOKEN_POD_SUFFIX, TOKEN_TYPE } from './marketo-facts';

export interface IdentityResponse {
  status: number;
  body: Record<string, unknown>;
}

export type TokenCheck = 'valid' | 'invalid' | 'expired';

interface IssuedToken {
  expiresAtMs: number;
}

export interface TokenStoreOptions {
  clientId: string;
  clientSecret: string;
  apiUser: string;
  ttlSeconds: number;
  now: () => number;
}

export class TokenStore {
  private readonly tokens = new Map<string, IssuedToken>();
  /** The token currently handed out to the (single) client id, while it lives. */
  private current: string | undefined;

  constructor(private readonly opts: TokenStoreOptions) {}

  /** Handles one identity request from its query parameters. */
  identity(params: URLSearchParams): IdentityResponse {
    const grantType = params.get('grant_type');
    if (!grantType) {
      return { status: 400, body: { error: 'invalid_request', error_description: 'Missing grant type' } };
    }
    if (grantType !== GRANT_TYPE_CLIENT_CREDENTIALS) {
      return {
        status: 400,
        body: { error: 'unsupported_grant_type', error_description: `Unsupported grant type: ${grantType}` },
      };
    }
    if (params.get('client_id') !== this.opts.clientId || params.get('client_secret') !== this.opts.clientSecret) {
      return { status: 401, body: { error: 'invalid_client', error_description: 'Bad client credentials' } };
    }
    const now = this.opts.now();
    let token = this.current;
    const issued = token === undefined ? undefined : this.tokens.get(token);
    if (token === undefined || issued === undefined || issued.expiresAtMs <= now) {
      token = `${randomUUID()}:${TOKEN_POD_SUFFIX}`;
      this.tokens.set(token, { expiresAtMs: now + this.opts.ttlSeconds * 1000 });
      this.current = token;
    }
    const expiresAtMs = (this.tokens.get(token) as IssuedToken).expiresAtMs;
    return {
      status: 200,
      body: {
        access_token: token,
        token_type: TOKEN_TYPE,
        // Remaining whole seconds, rounded down: a fresh 3600 s token reports 3599, as Marketo's do.
        expires_in: Math.max(0, Math.floor((expiresAtMs - now - 1) / 1000)),
        scope: this.opts.apiUser,
      },
    };
  }

  /** The API user every token of this client acts as (the `scope` identity answers). */
  scope(): string {
    return this.opts.apiUser;
  }

  check(token: string): TokenCheck {
    const issued = this.tokens.get(token);
    if (!issued) return 'invalid';
    return issued.expiresAtMs <= this.opts.now() ? 'expired' : 'valid';
  }

  /** Every issued token expires now: REST calls answer 602, the next identity call issues a new one. */
  expireAll(): void {
    const now = this.opts.now();
    for (const issued of this.tokens.values()) issued.expiresAtMs = Math.min(issued.expiresAtMs, now);
  }
}

// Marketo documentation cited above by page name:
// - Authentication: https://experienceleague.adobe.com/en/docs/marketo-developer/marketo/rest/authentication
