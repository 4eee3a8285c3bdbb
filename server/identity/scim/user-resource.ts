/**
 * The Vault's SCIM User (RFC 7643 §4.1) over the identity core's UserDoc (inventory §5 item 10):
 *
 *   id ↔ _id                    userName ↔ username          externalId ↔ externalId
 *   active ↔ not disabled       displayName ↔ displayName    locale ↔ profile.locale
 *   roles[].value ↔ profile.roles (the Vault User's `roles` strings; other role sub-attributes are not kept)
 *   name ↔ profile.name         emails ↔ email + profile.scimEmails
 *   groups ← the tenant's SCIM groups that list the user (read-only)
 *
 * Emails: the core keeps one address, `email`; it is the primary value (else the first). The whole
 * list, with types and secondary addresses, is kept in `profile.scimEmails`; on reading, the
 * primary value is taken from `email`, so a change made through the Vault's own user API shows.
 *
 * displayName: the core's is never empty; a SCIM user written without one gets its userName.
 * Attributes of RFC 7643 §4.1 not listed above (title, phoneNumbers ...) are accepted and not kept.
 */
import type { ScimGroupDoc, UserDoc } from '../../store/collections.ts';
import type { UserInput, UserPatch } from '../users.ts';
import { locationOf, type ScimEndpoint } from './endpoint.ts';
import { invalidValue } from './errors.ts';
import { etagOf } from './etag.ts';
import { USER_SCHEMA, isPlainObject } from './schema.ts';
import type { ScimUserMapping } from './users.ts';

/** What the Vault's ScimUser response schema requires beyond RFC 7643's `returned: always`. */
export const VAULT_USER_ALWAYS_RETURNED = ['userName'];

const NAME_PARTS = ['formatted', 'familyName', 'givenName', 'middleName', 'honorificPrefix', 'honorificSuffix'] as const;
const EMAIL_PARTS = ['value', 'display', 'type', 'primary'] as const;

type Email = Partial<Record<(typeof EMAIL_PARTS)[number], string | boolean>>;

function pick<K extends string>(value: unknown, keys: readonly K[]): Partial<Record<K, unknown>> | null {
  if (!isPlainObject(value)) return null;
  const out: Partial<Record<K, unknown>> = {};
  for (const k of keys) if (value[k] !== undefined && value[k] !== null) out[k] = value[k];
  return Object.keys(out).length > 0 ? out : null;
}

function storedEmails(doc: UserDoc): Email[] {
  const list = doc.profile.scimEmails;
  return Array.isArray(list) ? list.map((e) => pick(e, EMAIL_PARTS) as Email | null).filter((e): e is Email => e !== null) : [];
}

function primaryIndex(list: readonly Email[]): number {
  const i = list.findIndex((e) => e.primary === true);
  return i >= 0 ? i : 0;
}

function emailsOf(doc: UserDoc): Email[] {
  if (doc.email === null) return [];
  const list = storedEmails(doc);
  if (list.length === 0) return [{ value: doc.email, primary: true }];
  const i = primaryIndex(list);
  list[i] = { ...list[i], value: doc.email };
  return list;
}

export function toScimUser(endpoint: ScimEndpoint, doc: UserDoc, groups: readonly ScimGroupDoc[]): Record<string, unknown> {
  const name = pick(doc.profile.name, NAME_PARTS);
  const locale = doc.profile.locale;
  const roles = Array.isArray(doc.profile.roles) ? doc.profile.roles.filter((r): r is string => typeof r === 'string') : [];
  const emails = emailsOf(doc);
  const memberOf = groups.filter((g) => g.members.some((m) => m.value === doc._id));
  return {
    schemas: [USER_SCHEMA.id],
    id: doc._id,
    ...(doc.externalId !== null ? { externalId: doc.externalId } : {}),
    userName: doc.username,
    ...(name ? { name } : {}),
    displayName: doc.displayName,
    ...(typeof locale === 'string' ? { locale } : {}),
    active: !doc.disabled,
    ...(emails.length > 0 ? { emails } : {}),
    ...(roles.length > 0 ? { roles: roles.map((value) => ({ value })) } : {}),
    ...(memberOf.length > 0
      ? { groups: memberOf.map((g) => ({ value: g._id, display: g.displayName, type: 'direct', $ref: locationOf(endpoint, 'Groups', g._id) })) }
      : {}),
    meta: {
      resourceType: 'User',
      created: doc.createdAt.toISOString(),
      lastModified: doc.updatedAt.toISOString(),
      location: locationOf(endpoint, 'Users', doc._id),
      version: etagOf(doc.version),
    },
  };
}

/** The core's fields from a checked SCIM User resource: every mapped attribute, absent ones cleared. */
function fields(resource: Record<string, unknown>) {
  const emails = Array.isArray(resource.emails) ? resource.emails.map((e) => pick(e, EMAIL_PARTS) as Email | null).filter((e): e is Email => e !== null) : [];
  const primary = emails.length > 0 ? emails[primaryIndex(emails)].value : undefined;
  const roles = Array.isArray(resource.roles)
    ? resource.roles.map((r) => (isPlainObject(r) ? r.value : undefined)).filter((v): v is string => typeof v === 'string')
    : [];
  const username = resource.userName as string;
  return {
    username,
    email: typeof primary === 'string' ? primary : null,
    displayName: typeof resource.displayName === 'string' && resource.displayName.length > 0 ? resource.displayName : username,
    disabled: resource.active === false,
    externalId: typeof resource.externalId === 'string' ? resource.externalId : null,
    profile: {
      name: pick(resource.name, NAME_PARTS) ?? undefined,
      scimEmails: emails.length > 0 ? emails : undefined,
      locale: typeof resource.locale === 'string' ? resource.locale : undefined,
      roles: roles.length > 0 ? roles : undefined,
    } as Record<string, unknown>,
  };
}

export function userInputFromScim(resource: Record<string, unknown>): UserInput {
  const f = fields(resource);
  const profile = Object.fromEntries(Object.entries(f.profile).filter(([, v]) => v !== undefined));
  return { ...f, profile };
}

/** A full replacement (PUT, or the result of a PATCH): profile fields SCIM does not map are kept. */
export function userPatchFromScim(resource: Record<string, unknown>): UserPatch {
  return fields(resource);
}

/**
 * The Vault's own User requires an e-mail address (seed 002: `email` required, `format: email`;
 * Register asks for one), so a Vault user provisioned by SCIM needs one too; the check is loose,
 * enough to keep that view valid.
 */
const EMAIL = /^[^@\s]+@[^@\s]+$/;

export const vaultUserMapping: ScimUserMapping = {
  toResource: toScimUser,
  toInput: userInputFromScim,
  toPatch: userPatchFromScim,
  alwaysReturned: VAULT_USER_ALWAYS_RETURNED,
  check(fields) {
    const email = fields.email ?? null;
    if (email === null) throw invalidValue('emails: a Vault user needs an e-mail address (one value in emails)');
    if (!EMAIL.test(email)) throw invalidValue(`emails: ${JSON.stringify(email)} is not an e-mail address`);
  },
};
