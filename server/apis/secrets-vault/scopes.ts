/**
 * The scope each secured Vault operation needs, from API keys and bearer tokens alike (`*` grants
 * all). Operations on the caller's own account need `account` (identity/vault/account-scope.ts
 * says why: a relying party's token must not manage the user's account, nor a script's key);
 * Create Key, Regenerate Key and Update E-mail serve both the user and administrators, so their
 * handlers apply that rule to the self-service path. Reading who the caller is (me, my sessions)
 * needs only to be authenticated; ending a session needs `account`. Tenant binding is checked separately: a principal acts only
 * inside its tenant.
 */
import { ACCOUNT_SCOPE } from '../../identity/vault/account-scope.ts';

export const vaultScopes: Record<string, readonly string[]> = {
  listMyKeys: [ACCOUNT_SCOPE],
  changePassword: [ACCOUNT_SCOPE],
  registerOptions: [ACCOUNT_SCOPE],
  verifyRegistration: [ACCOUNT_SCOPE],
  listPasskeys: [ACCOUNT_SCOPE],
  updatePasskey: [ACCOUNT_SCOPE],
  deletePasskey: [ACCOUNT_SCOPE],
  endMySession: [ACCOUNT_SCOPE],
  createTenant: ['tenants:admin'],
  readTenants: ['tenants:read'],
  readTenant: ['tenants:read'],
  updateTenant: ['tenants:write'],
  blockedIps: ['tenants:read'],
  blockUsers: ['tenants:read'],
  unblockIp: ['tenants:write'],
  unblockUser: ['tenants:write'],
  createClient: ['clients:write'],
  readClients: ['clients:read'],
  updateClient: ['clients:write'],
  createUser: ['users:write'],
  batchCreateUser: ['users:write'],
  batchDeleteUser: ['users:write'],
  updateUser: ['users:write'],
  inviteUser: ['users:write'],
  // updateEmail: none here. It is self-service (the user's own token, confirmed by a zkimg-1
  // proof); the handler lets other credentials in only with users:write.
  listUsers: ['users:read'],
  getUser: ['users:read'],
  getUserByName: ['users:read'],
  listUserKeys: ['keys:read'],
  createScimUser: ['scim'],
  getScimUser: ['scim'],
  listScimUsers: ['scim'],
  replaceScimUser: ['scim'],
  patchScimUser: ['scim'],
  deleteScimUser: ['scim'],
  createScimGroup: ['scim'],
  getScimGroup: ['scim'],
  listScimGroup: ['scim'],
  replaceScimGroup: ['scim'],
  patchScimGroup: ['scim'],
  deleteScimGroup: ['scim'],
};
