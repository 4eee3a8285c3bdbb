/**
 * The operator's side of the token-exchange API (specs/gateway.yaml, tag "Token exchange"): the
 * trusted issuers, each org's e-mail allow rules and exchangeable clients, and workspaces. The rules live in the identity
 * core (identity/federation/, identity/orgs/); these handlers only map them to the operator API.
 */
import type { Handlers } from '../../../generated/gateway/operations.ts';
import { badRequest, conflict, notFound } from '../../http/errors.ts';
import { IdentityError } from '../../identity/index.ts';
import { emailRulesOf, setEmailRules } from '../../identity/orgs/email-rules.ts';
import { exchangeClientsOf, setExchangeClients } from '../../identity/federation/exchange-clients.ts';
import { orgUuidOf } from '../../identity/orgs/org-ids.ts';
import { rids } from '../../identity/orgs/rids.ts';
import { createWorkspace, listWorkspaces } from '../../identity/orgs/workspaces.ts';
import type { TrustedIssuerDoc, WorkspaceDoc } from '../../store/collections.ts';
import type { GatewayServices } from '../../services.ts';
import type { ApiContext, ApiPrincipal } from '../types.ts';

type TokenExchangeOperations =
  | 'listTrustedIssuers'
  | 'putTrustedIssuer'
  | 'deleteTrustedIssuer'
  | 'getOrg'
  | 'getOrgEmailRules'
  | 'putOrgEmailRules'
  | 'getOrgExchangeClients'
  | 'putOrgExchangeClients'
  | 'listOrgWorkspaces'
  | 'createOrgWorkspace';

async function core<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (!(error instanceof IdentityError)) throw error;
    throw error.code === 'resource.conflict' ? conflict(error.message) : error.code === 'resource.not_found' ? notFound(error.message) : badRequest(error.message);
  }
}

async function tenantOf(services: GatewayServices, tenantId: string) {
  const tenant = await services.identity.tenants.get(tenantId);
  if (tenant === null) throw notFound(`Tenant ${tenantId} not found`);
  return tenant;
}

const issuerView = (doc: TrustedIssuerDoc) => ({
  issuer: doc._id,
  audiences: doc.audiences,
  jwksUri: doc.jwksUri,
  jwks: doc.jwks as { keys: { kty: 'OKP' | 'EC' | 'RSA'; kid: string }[] } | null,
  emailClaim: doc.emailClaim,
  emailsVerified: doc.emailsVerified,
  userinfoUrl: doc.userinfoUrl,
  createdAt: doc.createdAt.toISOString(),
  updatedAt: doc.updatedAt.toISOString(),
});

const workspaceView = (doc: WorkspaceDoc) => ({ rid: rids.workspace(doc._id), name: doc.name, tenantId: doc.tenantId, createdAt: doc.createdAt.toISOString() });

export const tokenExchangeHandlers: Pick<Handlers<ApiPrincipal, ApiContext>, TokenExchangeOperations> = {
  async listTrustedIssuers({ context }) {
    const docs = await context.services.identity.federation.trustedIssuers.list();
    return { status: 200, body: { issuers: docs.map(issuerView) } };
  },

  async putTrustedIssuer({ body, context }) {
    const doc = await core(() => context.services.identity.federation.trustedIssuers.put(body as Parameters<GatewayServices['identity']['federation']['trustedIssuers']['put']>[0]));
    return { status: 200, body: issuerView(doc) };
  },

  async deleteTrustedIssuer({ query, context }) {
    if (!(await context.services.identity.federation.trustedIssuers.remove(query.issuer))) throw notFound('No such trusted issuer');
    return { status: 204 };
  },

  async getOrg({ params, context }) {
    const tenant = await tenantOf(context.services, params.tenantId);
    const orgUuid = orgUuidOf(tenant._id);
    return { status: 200, body: { tenantId: tenant._id, name: tenant.name, orgUuid, orgRid: rids.org(orgUuid) } };
  },

  async getOrgEmailRules({ params, context }) {
    return { status: 200, body: emailRulesOf(await tenantOf(context.services, params.tenantId)) };
  },

  async putOrgEmailRules({ params, body, context }) {
    const tenant = await tenantOf(context.services, params.tenantId);
    return { status: 200, body: await core(() => setEmailRules(context.services.store, tenant._id, body, context.services.identity.clock())) };
  },

  async getOrgExchangeClients({ params, context }) {
    return { status: 200, body: { clientIds: exchangeClientsOf(await tenantOf(context.services, params.tenantId)) } };
  },

  async putOrgExchangeClients({ params, body, context }) {
    const tenant = await tenantOf(context.services, params.tenantId);
    const clientIds = await core(() => setExchangeClients(context.services.store, tenant._id, body.clientIds ?? null, context.services.identity.clock()));
    return { status: 200, body: { clientIds } };
  },

  async listOrgWorkspaces({ params, context }) {
    const tenant = await tenantOf(context.services, params.tenantId);
    return { status: 200, body: { workspaces: (await listWorkspaces(context.services.store, tenant._id)).map(workspaceView) } };
  },

  async createOrgWorkspace({ params, body, context }) {
    const tenant = await tenantOf(context.services, params.tenantId);
    const doc = await core(() => createWorkspace(context.services.store, context.services.identity.clock, tenant._id, body.name));
    return { status: 201, body: workspaceView(doc) };
  },
};
