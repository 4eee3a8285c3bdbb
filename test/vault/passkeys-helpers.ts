// Shared by the Vault passkey tests: a passkey-enabled tenant, users holding a bearer token (the
// only credential Register Options accepts), and the WebAuthn round trips through the generated
// Vault client with the software authenticator (test/helpers/software-authenticator.ts).
import { randomUUID } from 'node:crypto';
import { createVaultClient, type VaultClient } from '../../clients/secrets-vault.ts';
import type { components } from '../../generated/secrets-vault/schema.ts';
import { issuers } from '../../server/issuers.ts';
import { issueAccessToken } from '../../server/identity/oauth/access-tokens.ts';
import { vaultTokenProfile } from '../../server/identity/vault/token-profile.ts';
import { completeLogin } from '../../server/identity/vault/login-continuation.ts';
import { DEFAULT_BLOCK_CONFIG, type VaultSettings } from '../../server/identity/vault/tenant-settings.ts';
import type { TestGateway } from '../helpers/gateway.ts';
import { SoftwareAuthenticator, type AuthenticationJSON, type CeremonyOverrides } from '../helpers/software-authenticator.ts';
import { setVaultSettings } from './auth-helpers.ts';

type Schemas = components['schemas'];
export type RequestOptions = Schemas['PublicKeyCredentialRequestOptionsJSON'];

/** Failed attempts would otherwise block 127.0.0.1 after five: attack tests raise the limits. */
export const LENIENT_BLOCKS = { ...DEFAULT_BLOCK_CONFIG, ip_attempts_limit: 10_000, user_attempts_limit: 10_000 };

export async function passkeyTenant(gw: TestGateway, settings: VaultSettings = {}): Promise<string> {
  const tenantId = await gw.createTenant(`pk-${randomUUID().slice(0, 8)}`);
  await setVaultSettings(gw, tenantId, { passkey_enabled: true, display_name: `Tenant ${tenantId}`, block_config: LENIENT_BLOCKS, ...settings });
  return tenantId;
}

export interface PasskeyUser {
  id: string;
  username: string;
  tenantId: string;
  token: string;
  /** The Vault client with this user's bearer access token. */
  vault: VaultClient;
}

/** A user of `tenantId` with an access token of a real session, as the code exchange would issue. */
export async function userWithToken(gw: TestGateway, tenantId: string, username = `pk-user-${randomUUID().slice(0, 8)}`): Promise<PasskeyUser> {
  return tokenFor(gw, tenantId, await gw.createUser(tenantId, username));
}

/** An access token for an existing user (a session of its own, then the token a code exchange would give). */
export async function tokenFor(gw: TestGateway, tenantId: string, user: { id: string; username: string }): Promise<PasskeyUser> {
  const { sessionId } = await completeLogin(gw.services, { tenantId, userId: user.id, method: 'zkimg', needVerify: false, ip: '127.0.0.1', userAgent: 'ava' });
  const { token } = await issueAccessToken(gw.services, vaultTokenProfile(gw.config.publicUrl, tenantId), {
    tenantId,
    clientId: 'passkey-tests',
    subject: user.id,
    // a client the tenant allowed to manage accounts (account-scope.ts): passkey enrolment needs it
    scope: ['openid', 'account'],
    sessionId,
  });
  return { id: user.id, username: user.username, tenantId, token, vault: createVaultClient({ baseUrl: gw.url, auth: { HTTPBearer: token } }) };
}

export const originOf = (gw: TestGateway) => new URL(gw.config.publicUrl).origin;

export async function registrationOptions(user: PasskeyUser) {
  const res = await user.vault.POST('/passkeys/register/options', {});
  if (res.data === undefined) throw new Error(`register/options: ${res.response.status} ${JSON.stringify(res.error)}`);
  return res.data;
}

/** Options, a new credential on `authenticator`, and Verify Registration (which must succeed). */
export async function registerPasskey(gw: TestGateway, user: PasskeyUser, authenticator: SoftwareAuthenticator, name?: string): Promise<string> {
  const options = await registrationOptions(user);
  const credential = authenticator.register(options, { origin: originOf(gw) });
  const res = await user.vault.POST('/passkeys/register/verify', { body: { ...credential, ...(name !== undefined ? { name } : {}) } as Schemas['RegistrationResponseJSON'] });
  if (res.response.status !== 200) throw new Error(`register/verify: ${res.response.status} ${JSON.stringify(res.error)}`);
  return credential.id;
}

export async function authOptions(gw: TestGateway, tenantId: string, username: string) {
  return gw.clients.anonymous.vault.POST('/passkeys/auth/options', { params: { query: { tenant_id: tenantId } }, body: { username, tenant_id: tenantId } });
}

export async function loginOptions(gw: TestGateway, tenantId: string, username: string): Promise<RequestOptions> {
  const res = await authOptions(gw, tenantId, username);
  if (res.data === undefined) throw new Error(`auth/options: ${res.response.status} ${JSON.stringify(res.error)}`);
  return res.data;
}

export async function verifyAuth(gw: TestGateway, body: AuthenticationJSON | Schemas['VerifyAuthRequest'] | Schemas['AuthenticationResponseJSON'], authReqId?: string) {
  return gw.clients.anonymous.vault.POST('/passkeys/auth/verify', {
    params: { query: authReqId !== undefined ? { auth_req_id: authReqId } : {} },
    body: body as Schemas['AuthenticationResponseJSON'],
  });
}

/** Options for `username`, an assertion (bent by `overrides`), and Verify Auth. */
export async function passkeyLogin(
  gw: TestGateway,
  tenantId: string,
  username: string,
  authenticator: SoftwareAuthenticator,
  overrides: Partial<CeremonyOverrides> & { signCount?: number; credentialId?: string } = {},
  authReqId?: string,
) {
  const options = await loginOptions(gw, tenantId, username);
  const assertion = authenticator.login(options, { origin: originOf(gw), ...overrides });
  return verifyAuth(gw, { ...assertion, username, tenant_id: tenantId }, authReqId);
}

/** The flat form of the seed (`client_data_json` ...) of a standard assertion. */
export function flatAssertion(a: AuthenticationJSON, username: string, tenantId: string): Schemas['VerifyAuthRequest'] {
  return {
    id: a.id,
    raw_id: a.rawId,
    client_data_json: a.response.clientDataJSON,
    authenticator_data: a.response.authenticatorData,
    signature: a.response.signature,
    user_handle: a.response.userHandle ?? null,
    username,
    tenant_id: tenantId,
    authenticator_attachment: 'platform',
  };
}

/** base64url → padded standard base64 (RFC 4648 §4), which the API also accepts. */
export const toBase64 = (b64u: string) => Buffer.from(b64u, 'base64url').toString('base64');

export { SoftwareAuthenticator };
