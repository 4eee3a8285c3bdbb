/**
 * The Passkeys API's SCIM User (its spec's `ScimUser`) over the identity core's UserDoc: the
 * Vault's mapping (../user-resource.ts) narrowed to the attributes that schema declares:
 *
 *   id, externalId, userName, name, displayName, active, emails, groups (read-only), meta
 *
 * `locale` and `roles`, which the Vault keeps, are not part of this API's User: they are accepted
 * and not kept, and a replacement leaves whatever the core holds for them untouched. Unlike a
 * Vault user, an application's user needs no e-mail address (a passkey user may have none).
 */
import type { UserInput, UserPatch } from '../../users.ts';
import type { ScimUserMapping } from '../users.ts';
import { toScimUser, userInputFromScim, userPatchFromScim } from '../user-resource.ts';

/** Core profile fields the Vault's mapping writes and this API's User does not have. */
const NOT_KEPT = ['locale', 'roles'] as const;

function withoutNotKept<T extends UserInput | UserPatch>(fields: T): T {
  const profile = { ...(fields.profile ?? {}) };
  for (const key of NOT_KEPT) delete profile[key];
  return { ...fields, profile };
}

/** The attributes of RFC 7643 §4.1 (plus §3.1's common ones) this mapping keeps; ServiceProviderConfig and Schemas describe these. */
export const PASSKEYS_USER_ATTRIBUTES = ['id', 'externalId', 'meta', 'userName', 'name', 'displayName', 'active', 'emails', 'groups'] as const;

export const passkeysUserMapping: ScimUserMapping = {
  toResource(endpoint, doc, groups) {
    const resource = toScimUser(endpoint, doc, groups);
    for (const key of NOT_KEPT) delete resource[key];
    return resource;
  },
  toInput: (resource) => withoutNotKept(userInputFromScim(resource)),
  toPatch: (resource) => withoutNotKept(userPatchFromScim(resource)),
  alwaysReturned: ['userName'],
};
