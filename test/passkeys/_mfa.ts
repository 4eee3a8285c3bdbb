// Shared by the MFA tests (mfa*.test.ts): an application the request's host names (MFA calls carry
// no application id), flows begun through the generated client, codes from the outbox, and a
// relying party (openid-client) for the application's MFA tokens.
import * as client from 'openid-client';
import { createLocalJWKSet, jwtVerify, type JWTPayload } from 'jose';
import { createPasskeysClient, type PasskeysClient } from '../../clients/passkeys.ts';
import type { components } from '../../generated/passkeys/schema.ts';
import type { TestGateway } from '../helpers/gateway.ts';
import { randomUUID } from 'node:crypto';
import { DEVICE, must, newApp, registered, SoftwareAuthenticator, type App } from './_helpers.ts';

type S = components['schemas'];

export interface HostApp extends App {
  /** the base URL whose host names this application */
  baseUrl: string;
  /** an anonymous client on that host */
  host: PasskeysClient;
}

/** A new application that the host of `baseUrl` names (127.0.0.1:<port> or localhost:<port>), with an MFA policy. */
export async function hostApp(gw: TestGateway, baseUrl: string, policy: Record<string, unknown> = {}, blockConfig?: Record<string, number>): Promise<HostApp> {
  const app = await newApp(gw, blockConfig);
  const hosted = { ...app, baseUrl, host: createPasskeysClient({ baseUrl }) };
  await setPolicy(gw, hosted, policy);
  return hosted;
}

/** The operator sets the application's MFA policy (and keeps its host). */
export async function setPolicy(gw: TestGateway, app: Pick<HostApp, 'id' | 'baseUrl'>, mfa: Record<string, unknown>) {
  return must(await gw.clients.admin.gateway.PUT('/passkeys/apps/{appId}', { params: { path: { appId: app.id } }, body: { hosts: [new URL(app.baseUrl).host], mfa } }), 'policy');
}

/** Lets another application have the host (each test file's gateway has its own port). */
export async function releaseHost(gw: TestGateway, app: HostApp): Promise<void> {
  must(await gw.clients.admin.gateway.PUT('/passkeys/apps/{appId}', { params: { path: { appId: app.id } }, body: {} }), 'release host');
}

export const sessionClient = (baseUrl: string, session: string) => createPasskeysClient({ baseUrl, auth: { sessionAuth_header_Authorization: session } });

export async function begin(app: HostApp, username: string, body: Partial<S['MfaBeginRequestBody']> = {}) {
  return app.host.POST('/mfa/begin', {
    params: { header: { 'User-Agent': 'Mozilla/5.0 (X11; Linux x86_64) mfa-test' } },
    body: { user: { username, usernameType: 'email' }, deviceInfo: DEVICE, ...body },
  });
}

/** A user with a passkey who has just finished an MFA flow (by the app's third-party token): the flow's tokens. */
export async function finishedMfa(gw: TestGateway, app: HostApp, prefix = 'mfa') {
  const reg = await registered(gw, app, new SoftwareAuthenticator(), `${prefix}-${randomUUID().slice(0, 8)}@example.test`);
  const next = must(await begin(app, reg.username), 'begin');
  const ext = must(await app.mgmt.POST('/mgmt/grant/external-auth', { body: { username: reg.username } }), 'external-auth').token;
  const mfa = must(await sessionClient(app.baseUrl, next.session!).POST('/mfa/third-party/verify', { body: { token: ext } }), 'finish');
  return { reg, mfa };
}

export function actionOf(next: S['MfaNext'], name: string): S['MfaAction'] {
  const a = next.next?.find((x) => x.action.name === name);
  if (!a) throw new Error(`no ${name} action in ${JSON.stringify(next.next?.map((x) => x.action.name))}`);
  return a;
}

/** The WebAuthn options an action carries (JSON in the option's value). */
export function optionsOf<T>(next: S['MfaNext'], name: 'passkey' | 'passkey:reg'): T {
  const value = actionOf(next, name).options?.[0]?.value;
  if (!value) throw new Error(`${name} has no options`);
  return JSON.parse(value) as T;
}

export async function lastCode(gw: TestGateway, to: string): Promise<string> {
  const list = must(await gw.clients.admin.gateway.GET('/outbox', { params: { query: { to, limit: 1 } } }), 'outbox');
  const m = /\b(\d{6})\b/.exec(list.messages[0]?.body ?? '');
  if (!m) throw new Error(`no code for ${to}`);
  return m[1]!;
}

export async function jwksOf(gw: TestGateway) {
  const jwks = must(await gw.clients.anonymous.passkeys.GET('/.well-known/jwks.json'), 'jwks');
  return createLocalJWKSet(jwks as Parameters<typeof createLocalJWKSet>[0]);
}

/** The payload signature of an Mfa answer, verified against the application's JWKS. */
export async function verifyPayloadSignature(gw: TestGateway, appId: string, mfa: S['Mfa']): Promise<JWTPayload> {
  const { payload } = await jwtVerify(mfa.payloadSignature, await jwksOf(gw), {
    issuer: `${gw.config.publicUrl}/fido2/v2`,
    audience: appId,
    typ: 'mfa-payload+jwt',
    algorithms: ['ES256'],
  });
  return payload;
}

/**
 * The application's relying party in openid-client, with the issuer's metadata written out (the
 * Passkeys API has no discovery document). `handOver` makes the next token request answer with an
 * Mfa's tokens instead, so openid-client validates that ID token as it validates any token response.
 */
export function relyingParty(gw: TestGateway, appId: string) {
  const issuer = `${gw.config.publicUrl}/fido2/v2`;
  const config = new client.Configuration(
    { issuer, token_endpoint: `${issuer}/mfa/token`, jwks_uri: `${issuer}/.well-known/jwks.json`, id_token_signing_alg_values_supported: ['ES256'] },
    appId,
    { id_token_signed_response_alg: 'ES256' },
    client.None(),
  );
  client.allowInsecureRequests(config);
  let pending: S['Mfa'] | null = null;
  config[client.customFetch] = async (url, options) => {
    if (pending !== null && url === `${issuer}/mfa/token`) {
      const mfa = pending;
      pending = null;
      return Response.json({ access_token: mfa.accessToken, token_type: 'Bearer', expires_in: 900, id_token: mfa.idToken, refresh_token: mfa.refreshToken });
    }
    return fetch(url, options as RequestInit);
  };
  return {
    config,
    /** openid-client's validation of the Mfa answer's ID token (signature by the JWKS, iss, aud, exp, iat). */
    async validate(mfa: S['Mfa']) {
      pending = mfa;
      const tokens = await client.genericGrantRequest(config, 'urn:example:mfa-answer', {});
      return tokens.claims();
    },
    refresh: (refreshToken: string) => client.refreshTokenGrant(config, refreshToken),
  };
}
