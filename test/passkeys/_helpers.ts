// Shared by the Passkeys API tests: an application (tenant) with keys, clients of the generated
// Passkeys client, and the LoginID ceremonies (reg/init + reg/complete, auth/init + auth/complete,
// tx/init + tx/complete) driven by the software authenticator (test/helpers/software-authenticator.ts).
import { randomUUID } from 'node:crypto';
import { createPasskeysClient, type PasskeysClient } from '../../clients/passkeys.ts';
import type { components } from '../../generated/passkeys/schema.ts';
import type { TestGateway } from '../helpers/gateway.ts';
import { SoftwareAuthenticator, type CeremonyOverrides, type RegistrationJSON, type AuthenticationJSON } from '../helpers/software-authenticator.ts';
import { DEFAULT_BLOCK_CONFIG } from '../../server/identity/vault/tenant-settings.ts';

export { SoftwareAuthenticator };
type S = components['schemas'];

// Members with a default are typed as present; LoginID's SDK sends only some of them.
export const DEVICE = { clientType: 'browser', clientName: 'Chrome', clientVersion: '131.0', osName: 'Linux', screenWidth: 1920, screenHeight: 1080 } as S['DeviceInfo'];

export interface App {
  id: string;
  /** A key with every scope of the application. */
  key: string;
  mgmt: PasskeysClient;
  anon: PasskeysClient;
}

/**
 * A passkey-enabled application. Failed attempts would otherwise block 127.0.0.1 after five; tests
 * that are not about lockout raise the limits.
 */
export async function newApp(gw: TestGateway, blockConfig: Partial<typeof DEFAULT_BLOCK_CONFIG> = { ip_attempts_limit: 10_000, user_attempts_limit: 10_000 }): Promise<App> {
  const id = await gw.createTenant(`app-${randomUUID().slice(0, 8)}`);
  await gw.services.identity.tenants.update(id, { settings: { vault: { passkey_enabled: true, block_config: { ...DEFAULT_BLOCK_CONFIG, ...blockConfig } } } });
  const { value } = await gw.createApiKey(id, ['*']);
  return { id, key: value, mgmt: keyClient(gw, value), anon: createPasskeysClient({ baseUrl: gw.url }) };
}

export const keyClient = (gw: TestGateway, key: string) => createPasskeysClient({ baseUrl: gw.url, auth: { apiKey_header_Authorization: key } });
export const jwtClient = (gw: TestGateway, jwt: string) => createPasskeysClient({ baseUrl: gw.url, auth: { jwt_header_Authorization: jwt } });
export const originOf = (gw: TestGateway) => new URL(gw.config.publicUrl).origin;

export function must<T>(res: { data?: T; error?: unknown; response: Response }, what: string): T {
  if (res.data === undefined) throw new Error(`${what}: ${res.response.status} ${JSON.stringify(res.error)}`);
  return res.data;
}

/** For 204 replies: throws unless the status is `expected`. */
export function done(res: { error?: unknown; response: Response }, what: string, expected = 204): void {
  if (res.response.status !== expected) throw new Error(`${what}: ${res.response.status} ${JSON.stringify(res.error)}`);
}

export function creationResultOf(r: RegistrationJSON): S['CreationResult'] {
  return { credentialId: r.id, clientDataJSON: r.response.clientDataJSON, attestationObject: r.response.attestationObject, transports: ['internal'] };
}

export function assertionResultOf(a: AuthenticationJSON): S['AuthenticatorAssertionResponse'] {
  return {
    credentialId: a.id,
    clientDataJSON: a.response.clientDataJSON,
    authenticatorData: a.response.authenticatorData,
    signature: a.response.signature,
    ...(a.response.userHandle ? { userHandle: a.response.userHandle } : {}),
  };
}

export async function regInit(gw: TestGateway, app: App, username: string, options: { jwt?: string; body?: Partial<S['RegInitRequestBody']> } = {}) {
  const client = options.jwt ? jwtClient(gw, options.jwt) : app.anon;
  return client.POST('/reg/init', { body: { app: { id: app.id }, deviceInfo: DEVICE, user: { username, usernameType: 'email' }, ...options.body } });
}

/** reg/init + the authenticator + reg/complete; the overrides play a bent browser or authenticator. */
export async function register(
  gw: TestGateway,
  app: App,
  authenticator: SoftwareAuthenticator,
  username: string,
  options: { jwt?: string; overrides?: Partial<CeremonyOverrides>; passkeyName?: string } = {},
) {
  const init = must(await regInit(gw, app, username, options), 'reg/init');
  const credential = authenticator.register(init.registrationRequestOptions, { origin: originOf(gw), ...options.overrides });
  return app.anon.POST('/reg/complete', {
    body: { session: init.session, creationResult: creationResultOf(credential), ...(options.passkeyName ? { passkeyName: options.passkeyName } : {}) },
  });
}

export async function registered(gw: TestGateway, app: App, authenticator = new SoftwareAuthenticator(), username = `u-${randomUUID().slice(0, 8)}@example.test`) {
  const result = must(await register(gw, app, authenticator, username), 'reg/complete');
  if (!result.passkeyId || !result.deviceId) throw new Error('reg/complete named no passkey or device');
  return { ...result, passkeyId: result.passkeyId, deviceId: result.deviceId, username, authenticator };
}

export async function authInit(app: App, username: string) {
  return app.anon.POST('/auth/init', { body: { app: { id: app.id }, deviceInfo: DEVICE, user: { username, usernameType: 'email' } } });
}

export async function signIn(gw: TestGateway, app: App, authenticator: SoftwareAuthenticator, username: string, overrides: Partial<CeremonyOverrides> & { signCount?: number } = {}) {
  const init = must(await authInit(app, username), 'auth/init');
  const assertion = authenticator.login(init.assertionOptions, { origin: originOf(gw), ...overrides });
  return app.anon.POST('/auth/complete', { body: { session: init.session, assertionResult: assertionResultOf(assertion) } });
}

/** The payload of a JWT, unverified (what LoginID's SDK reads). */
export function claimsOf(jwt: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8'));
}
