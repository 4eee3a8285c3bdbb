/** Vault handlers: tenants, clients, users, API keys, the current user and its sessions. */
import { notImplemented } from '../../../http/not-implemented.ts';
import type { VaultHandlers } from '../handler-types.ts';

export const adminHandlers: VaultHandlers<'createTenant' | 'readTenants' | 'readTenant' | 'updateTenant' | 'createClient' | 'readClients' | 'updateClient' | 'createUser' | 'batchCreateUser' | 'getUser' | 'getUserByName' | 'listUsers' | 'updateUser' | 'batchDeleteUser' | 'updateEmail' | 'createUserKey' | 'listMyKeys' | 'listUserKeys' | 'regenerateApiKey' | 'readCurrentUser' | 'listMySessions'> = {
  createTenant: notImplemented,
  readTenants: notImplemented,
  readTenant: notImplemented,
  updateTenant: notImplemented,
  createClient: notImplemented,
  readClients: notImplemented,
  updateClient: notImplemented,
  createUser: notImplemented,
  batchCreateUser: notImplemented,
  getUser: notImplemented,
  getUserByName: notImplemented,
  listUsers: notImplemented,
  updateUser: notImplemented,
  batchDeleteUser: notImplemented,
  updateEmail: notImplemented,
  createUserKey: notImplemented,
  listMyKeys: notImplemented,
  listUserKeys: notImplemented,
  regenerateApiKey: notImplemented,
  readCurrentUser: notImplemented,
  listMySessions: notImplemented,
};
