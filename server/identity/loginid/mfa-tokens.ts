/**
 * What a finished MFA flow answers with (seed 003 `Mfa`), issued by the identity core's token
 * service, so MFA tokens have the same refresh-token families, rotation and reuse detection as
 * the Vault's (oauth/token-set.ts, oauth/refresh-tokens.ts):
 *
 * - The Passkeys API's token profile: issuer `<PUBLIC_URL>/fido2/v2`, access tokens for this API
 *   (so an MFA access token works as a LoginID `jwtAccess` with the self-service grants), and ES256
 *   for every token, since the API's JWKS publishes ES256 keys only.
 * - The relying party is the application's MFA client: a public client of the application's
 *   tenant whose `client_id` is the application id, made on first use. The ID token's `aud` is
 *   therefore the application: every application shares the issuer, and the audience keeps one
 *   application's ID tokens from being accepted by another's relying party. The client holds only
 *   the refresh_token grant; its refresh tokens are redeemed at POST /fido2/v2/mfa/token.
 * - Each finished flow opens a login session (identity/sessions.ts) with the method and RFC 8176
 *   `amr` of the step that finished it, and a new refresh-token family.
 *
 * `payloadSignature` is a JWS Compact Serialization (RFC 7515 §7.1) made with the application
 * issuer's active ES256 key (the `kid` in its header is in the JWKS). The bytes signed are exactly
 * the JWS signing input (RFC 7515 §5.1): ASCII(BASE64URL(UTF-8(header)) || '.' ||
 * BASE64URL(UTF-8(claims))), where the header is `{"alg":"ES256","kid":…,"typ":"mfa-payload+jwt"}`
 * and the claims are a JSON object whose `payload` member is the payload string exactly as the
 * client sent it and the flow kept it (not decoded, not normalised), with `iss`, `aud` (the
 * application), `sub` (the user), `tid`, `iat`, `exp`, `jti`, `flow` (the MFA flow id), `sid`
 * (the session the tokens belong to) and, when known, `did` (device) and `pid` (passkey). The
 * ECDSA P-256 SHA-256 signature is R || S (RFC 7518 §3.4). The explicit `typ` keeps it from
 * passing as an ID token or access token of the same issuer (RFC 8725 §3.11).
 */
import type { ClientDoc, TenantDoc, UserDoc } from '../../store/collections.ts';
import { audiences, issuers } from '../../issuers.ts';
import { IdentityError, isDuplicateKeyError } from '../errors.ts';
import type { GrantServices, TokenProfile, TokenSet } from '../oauth/grant.ts';
import { issueTokenSet } from '../oauth/token-set.ts';
import { createSession } from '../sessions.ts';
import type { TokenService } from '../tokens.ts';
import type { ClientService } from '../clients.ts';
import { SELF_GRANTS } from './tokens.ts';
import { randomUUID } from 'node:crypto';

/** What an MFA sign-in grants: OpenID Connect scopes and the self-service grants of a LoginID login. */
export const MFA_SCOPES: readonly string[] = ['openid', 'profile', 'email', ...SELF_GRANTS];

export const PAYLOAD_SIGNATURE_TYP = 'mfa-payload+jwt';
export const PAYLOAD_SIGNATURE_TTL_S = 3600;

/** Marks the client this module made, so no other client of the tenant is taken for it. */
const MFA_CLIENT_MARK = 'passkeysMfa';

export function passkeysTokenProfile(publicUrl: string): TokenProfile {
  const grantable = (_tenantId: string, allowed: readonly string[]) => allowed.filter((s) => MFA_SCOPES.includes(s));
  return {
    issuer: issuers.passkeys(publicUrl),
    audience: audiences.passkeysApi(publicUrl),
    scopes: { userGrantable: grantable, clientGrantable: () => [] },
    signingAlg: 'ES256',
  };
}

export function isMfaClient(client: ClientDoc | null): client is ClientDoc {
  return client !== null && client.extra[MFA_CLIENT_MARK] === true;
}

/** The application's MFA client, made on first use (a concurrent first use finds the other's). */
export async function mfaClientOf(clients: Pick<ClientService, 'get' | 'create'>, tenant: TenantDoc): Promise<ClientDoc> {
  const existing = await clients.get(tenant._id, tenant._id);
  if (existing === null) {
    try {
      const { client } = await clients.create(tenant._id, {
        clientId: tenant._id,
        name: `${tenant.name || tenant._id} (Passkeys MFA)`,
        type: 'public',
        allowedScopes: [...MFA_SCOPES],
        grantTypes: ['refresh_token'],
        extra: { [MFA_CLIENT_MARK]: true },
      });
      return client;
    } catch (e) {
      if (!(isDuplicateKeyError(e) || (e instanceof IdentityError && e.code === 'resource.conflict'))) throw e;
      return mfaClientOf(clients, tenant);
    }
  }
  if (!isMfaClient(existing)) throw new IdentityError('resource.conflict', `client ${tenant._id} of this application is not its MFA client`);
  return existing;
}

export interface MfaSignIn {
  tenant: TenantDoc;
  user: UserDoc;
  /** The login method and RFC 8176 values of the step that finished the flow. */
  method: string;
  amr: readonly string[];
  ip: string;
  userAgent: string;
}

/** A new login session and the core's token set for it (access, ID and refresh token of a new family). */
export async function issueMfaTokens(
  services: GrantServices & { identity: GrantServices['identity'] & { clients: Pick<ClientService, 'get' | 'create'> } },
  publicUrl: string,
  input: MfaSignIn,
): Promise<TokenSet & { sessionId: string }> {
  const client = await mfaClientOf(services.identity.clients, input.tenant);
  const session = await createSession(services.store, { tenantId: input.tenant._id, userId: input.user._id, method: input.method, amr: input.amr, ip: input.ip, userAgent: input.userAgent });
  const tokens = await issueTokenSet(
    // The first token set of a flow is issued by the flow, not by a token request: no form.
    { services, tenantId: input.tenant._id, profile: passkeysTokenProfile(publicUrl), form: { grant_type: '' }, ip: input.ip, userAgent: input.userAgent },
    client,
    { userId: input.user._id, sessionId: session._id, scope: [...MFA_SCOPES], authTime: session.authTime, nonce: null, refresh: { newFamily: randomUUID() } },
  );
  return { ...tokens, sessionId: session._id };
}

export async function signPayload(
  tokens: Pick<TokenService, 'issue'>,
  publicUrl: string,
  input: { tenantId: string; userId: string; flowId: string; sessionId: string; payload: string; deviceId: string | null; passkeyId: string | null },
): Promise<string> {
  const issued = await tokens.issue({
    issuer: issuers.passkeys(publicUrl),
    audience: input.tenantId,
    subject: input.userId,
    alg: 'ES256',
    typ: PAYLOAD_SIGNATURE_TYP,
    ttlSeconds: PAYLOAD_SIGNATURE_TTL_S,
    claims: {
      tid: input.tenantId,
      payload: input.payload,
      flow: input.flowId,
      sid: input.sessionId,
      ...(input.deviceId ? { did: input.deviceId } : {}),
      ...(input.passkeyId ? { pid: input.passkeyId } : {}),
    },
  });
  return issued.token;
}
