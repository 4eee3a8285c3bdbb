// Shared by the token-exchange tests: org members with tokens, through the gateway's own Vault
// issuer (ID tokens signed by the identity core's token service, as the Vault's OpenID provider
// signs them) and the generated clients.
import { randomUUID } from 'node:crypto';
import type { TestGateway } from '../helpers/gateway.ts';
import { createTokenExchangeClient } from '../../clients/token-exchange.ts';
import { issuers } from '../../server/issuers.ts';
import { orgUuidOf } from '../../server/identity/orgs/org-ids.ts';
import { rids } from '../../server/identity/orgs/rids.ts';

export const orgRidOf = (tenantId: string) => rids.org(orgUuidOf(tenantId));

export interface Member {
  tenantId: string;
  userId: string;
  email: string;
}

/** A tenant (org) with a Vault client, and a user with `email` in it. */
export async function member(gw: TestGateway, opts: { tenantId?: string; email?: string; admin?: boolean; emailVerified?: boolean } = {}): Promise<Member> {
  const tenantId = opts.tenantId ?? (await gw.createTenant(`org-${randomUUID().slice(0, 8)}`));
  const { identity } = gw.services;
  if ((await identity.clients.get(tenantId, 'nominal-app')) === null) {
    await identity.clients.create(tenantId, { clientId: 'nominal-app', name: 'nominal', type: 'public', redirectUris: ['http://127.0.0.1:9/cb'] });
  }
  const email = opts.email ?? `u-${randomUUID().slice(0, 8)}@example.test`;
  const user = await identity.users.create(tenantId, {
    username: `u-${randomUUID().slice(0, 8)}`,
    email,
    emailVerified: opts.emailVerified ?? true,
    profile: opts.admin ? { roles: ['admin'] } : {},
  });
  return { tenantId, userId: user._id, email };
}

/** An ID token of the member's Vault tenant for the client `nominal-app`. */
export async function vaultIdToken(gw: TestGateway, m: Member, claims: Record<string, unknown> = {}): Promise<string> {
  const issued = await gw.services.identity.tokens.issue({
    issuer: issuers.vault(gw.url, m.tenantId),
    audience: 'nominal-app',
    subject: m.userId,
    ttlSeconds: 300,
    claims: { email: m.email, email_verified: true, ...claims },
  });
  return issued.token;
}

/** This API's access token for the member (through getAccessToken) and a client that sends it. */
export async function signedIn(gw: TestGateway, m: Member, orgRid?: string) {
  const res = await gw.clients.anonymous.tokenExchange.POST('/authorization/v1/access-token', {
    body: { idToken: await vaultIdToken(gw, m), ...(orgRid ? { orgRid } : {}) },
  });
  if (res.data === undefined) throw new Error(`getAccessToken: ${res.response.status} ${JSON.stringify(res.error)}`);
  return { token: res.data, client: createTokenExchangeClient({ baseUrl: gw.url, auth: { BearerAuth: res.data.accessToken } }) };
}
