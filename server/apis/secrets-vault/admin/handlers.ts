/** Vault handlers: tenants, clients, users, API keys, the current user and its sessions. */
import type { VaultHandlers } from '../handler-types.ts';
import { createTenant } from './createTenant.ts';
import { readTenants } from './readTenants.ts';
import { readTenant } from './readTenant.ts';
import { updateTenant } from './updateTenant.ts';
import { createClient } from './createClient.ts';
import { readClients } from './readClients.ts';
import { updateClient } from './updateClient.ts';
import { createUser } from './createUser.ts';
import { batchCreateUser } from './batchCreateUser.ts';
import { getUser } from './getUser.ts';
import { getUserByName } from './getUserByName.ts';
import { listUsers } from './listUsers.ts';
import { updateUser } from './updateUser.ts';
import { batchDeleteUser } from './batchDeleteUser.ts';
import { updateEmail } from './updateEmail.ts';
import { createUserKey } from './createUserKey.ts';
import { listMyKeys } from './listMyKeys.ts';
import { listUserKeys } from './listUserKeys.ts';
import { regenerateApiKey } from './regenerateApiKey.ts';
import { readCurrentUser } from './readCurrentUser.ts';
import { listMySessions } from './listMySessions.ts';
import { endMySession } from './endMySession.ts';
import { inviteUser } from './inviteUser.ts';

export const adminHandlers: VaultHandlers<'createTenant' | 'readTenants' | 'readTenant' | 'updateTenant' | 'createClient' | 'readClients' | 'updateClient' | 'createUser' | 'batchCreateUser' | 'getUser' | 'getUserByName' | 'listUsers' | 'updateUser' | 'batchDeleteUser' | 'updateEmail' | 'createUserKey' | 'listMyKeys' | 'listUserKeys' | 'regenerateApiKey' | 'readCurrentUser' | 'listMySessions' | 'endMySession' | 'inviteUser'> = {
  createTenant,
  readTenants,
  readTenant,
  updateTenant,
  createClient,
  readClients,
  updateClient,
  createUser,
  batchCreateUser,
  getUser,
  getUserByName,
  listUsers,
  updateUser,
  batchDeleteUser,
  updateEmail,
  createUserKey,
  listMyKeys,
  listUserKeys,
  regenerateApiKey,
  readCurrentUser,
  listMySessions,
  endMySession,
  inviteUser,
};
