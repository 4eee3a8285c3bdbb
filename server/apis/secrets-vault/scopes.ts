/**
 * The scope each secured Vault operation needs (API keys carry scopes; `*` grants all). Operations
 * on the caller's own account (me, my keys, my passkeys, change password) need only to be
 * authenticated. Tenant binding is checked separately: a principal acts only inside its tenant.
 */
export const vaultScopes: Record<string, readonly string[]> = {
  createTenant: ['tenants:admin'],
  readTenants: ['tenants:read'],
  readTenant: ['tenants:read'],
  updateTenant: ['tenants:write'],
  blockedIps: ['tenants:read'],
  blockUsers: ['tenants:read'],
  createClient: ['clients:write'],
  readClients: ['clients:read'],
  updateClient: ['clients:write'],
  createUser: ['users:write'],
  batchCreateUser: ['users:write'],
  batchDeleteUser: ['users:write'],
  updateUser: ['users:write'],
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
