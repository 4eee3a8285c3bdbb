/**
 * One-time links e-mailed to a user through the outbox (outbox.ts): the enrolment invitation of a
 * user an administrator created, and the verification of an e-mail address (after Register or an
 * e-mail change). docs/login-flows.md, "Invitations and e-mail verification".
 *
 * - A link carries a random token (256 bits); only its SHA-256 is stored, as the record's id.
 * - Single use: spending is one guarded update (`usedAt: null` → now), so two requests racing
 *   with one token spend it once. A new link of the same purpose kills the user's earlier ones.
 * - Expiring: enrolment links live ENROLMENT_LINK_TTL_SECONDS, verification links
 *   VERIFICATION_LINK_TTL_SECONDS; every read filters on `expiresAt` (TTL deletion runs late).
 * - Tenant-bound: every lookup names the tenant the caller acts in (the page's path, the request's
 *   `tenant_id`); a token of another tenant reads as unknown and is not spent.
 * - A verification confirms only the address it was sent to: a link to an address the user has
 *   since replaced does nothing.
 */
import type { GatewayServices } from '../../services.ts';
import type { AccountLinkDoc, Store, TenantDoc, UserDoc } from '../../store/collections.ts';
import { hashSecret, randomSecret } from '../secrets/hash.ts';
import { emailKey } from '../users.ts';
import { toVaultTenant } from './tenant-settings.ts';

export const ENROLMENT_LINK_TTL_SECONDS = 7 * 86_400;
export const VERIFICATION_LINK_TTL_SECONDS = 3 * 86_400;
/** Longest token a request may carry (the schema's maxLength); ours are 43 characters. */
export const LINK_TOKEN_MAX = 128;

export type LinkPurpose = AccountLinkDoc['purpose'];

const TTL: Record<LinkPurpose, number> = { enrolment: ENROLMENT_LINK_TTL_SECONDS, email_verification: VERIFICATION_LINK_TTL_SECONDS };
/** The gateway page each link opens (server/ops/account-pages.ts). */
const PAGE: Record<LinkPurpose, string> = { enrolment: 'enrol', email_verification: 'verify-email' };

export async function issueLink(
  store: Store,
  input: { tenantId: string; userId: string; purpose: LinkPurpose; email: string },
  now = new Date(),
): Promise<{ token: string; expiresAt: Date }> {
  // Earlier live links of this purpose stop working: the newest e-mail is the one to follow.
  await store.accountLinks.updateMany({ tenantId: input.tenantId, userId: input.userId, purpose: input.purpose, usedAt: null }, { $set: { usedAt: now } });
  const token = randomSecret(32);
  const expiresAt = new Date(now.getTime() + TTL[input.purpose] * 1000);
  await store.accountLinks.insertOne({ _id: hashSecret(token), ...input, createdAt: now, expiresAt, usedAt: null });
  return { token, expiresAt };
}

const liveFilter = (tenantId: string, token: string, purpose: LinkPurpose, now: Date) => ({
  _id: hashSecret(token),
  tenantId,
  purpose,
  usedAt: null,
  expiresAt: { $gt: now },
});

/** The live link of this token in this tenant, not spent by looking. */
export function findLiveLink(store: Store, input: { tenantId: string; token: string; purpose: LinkPurpose }, now = new Date()): Promise<AccountLinkDoc | null> {
  if (input.token.length === 0 || input.token.length > LINK_TOKEN_MAX) return Promise.resolve(null);
  return store.accountLinks.findOne(liveFilter(input.tenantId, input.token, input.purpose, now));
}

/** Spends the link (once, whoever races); null when it is unknown here, used or expired. */
export function spendLink(store: Store, input: { tenantId: string; token: string; purpose: LinkPurpose }, now = new Date()): Promise<AccountLinkDoc | null> {
  if (input.token.length === 0 || input.token.length > LINK_TOKEN_MAX) return Promise.resolve(null);
  return store.accountLinks.findOneAndUpdate(liveFilter(input.tenantId, input.token, input.purpose, now), { $set: { usedAt: now } }, { returnDocument: 'after' });
}

/** Gives a spent link back when what it was spent for failed (the user may try again). */
export async function unspendLink(store: Store, link: AccountLinkDoc): Promise<void> {
  await store.accountLinks.updateOne({ _id: link._id, usedAt: link.usedAt }, { $set: { usedAt: null } });
}

export function linkUrl(publicUrl: string, tenantId: string, purpose: LinkPurpose, token: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/api/oidc/${encodeURIComponent(tenantId)}/${PAGE[purpose]}?token=${encodeURIComponent(token)}`;
}

const tenantName = (tenant: TenantDoc) => toVaultTenant(tenant).display_name || tenant.name;
const days = (seconds: number) => Math.round(seconds / 86_400);

/** E-mails the user an enrolment link (a user without an address cannot be invited: null). */
export async function sendInvitation(services: GatewayServices, tenant: TenantDoc, user: UserDoc): Promise<{ email: string; expiresAt: Date } | null> {
  if (!user.email) return null;
  const { token, expiresAt } = await issueLink(services.store, { tenantId: tenant._id, userId: user._id, purpose: 'enrolment', email: user.email });
  const name = tenantName(tenant);
  await services.identity.outbox.send({
    tenantId: tenant._id,
    channel: 'email',
    to: user.email,
    subject: `You are invited to sign in to ${name}`,
    body:
      `An account ${user.username} was created for you at ${name}. To choose how you sign in (an image and a PIN, or a passkey), open this link:\n\n` +
      `${linkUrl(services.config.publicUrl, tenant._id, 'enrolment', token)}\n\n` +
      `The link works once and expires in ${days(ENROLMENT_LINK_TTL_SECONDS)} days. If you did not expect it, ignore this message.`,
    purpose: 'enrolment',
  });
  return { email: user.email, expiresAt };
}

/** E-mails the user a link that confirms the user's current address (none: nothing sent). */
export async function sendVerification(services: GatewayServices, tenant: TenantDoc, user: UserDoc): Promise<void> {
  if (!user.email || user.emailVerified) return;
  const { token } = await issueLink(services.store, { tenantId: tenant._id, userId: user._id, purpose: 'email_verification', email: user.email });
  const name = tenantName(tenant);
  await services.identity.outbox.send({
    tenantId: tenant._id,
    channel: 'email',
    to: user.email,
    subject: `Confirm your e-mail address for ${name}`,
    body:
      `Please confirm that ${user.email} is the address of your account ${user.username} at ${name}:\n\n` +
      `${linkUrl(services.config.publicUrl, tenant._id, 'email_verification', token)}\n\n` +
      `The link works once and expires in ${days(VERIFICATION_LINK_TTL_SECONDS)} days. If you did not sign up, ignore this message.`,
    purpose: 'email_verification',
  });
}

/** Whether the link still speaks for the user's current address (a change since makes it stale). */
export const linkMatchesAddress = (link: AccountLinkDoc, user: UserDoc): boolean => user.emailKey !== null && user.emailKey === emailKey(link.email);
