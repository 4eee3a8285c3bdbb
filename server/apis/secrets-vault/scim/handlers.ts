/** Vault handlers: SCIM 2.0 Users and Groups per tenant (RFC 7643/7644). */
import { notImplemented } from '../../../http/not-implemented.ts';
import type { VaultHandlers } from '../handler-types.ts';

export const scimHandlers: VaultHandlers<'createScimGroup' | 'createScimUser' | 'deleteScimGroup' | 'deleteScimUser' | 'getScimGroup' | 'getScimUser' | 'listScimGroup' | 'listScimUsers' | 'patchScimGroup' | 'patchScimUser' | 'replaceScimGroup' | 'replaceScimUser'> = {
  createScimGroup: notImplemented,
  createScimUser: notImplemented,
  deleteScimGroup: notImplemented,
  deleteScimUser: notImplemented,
  getScimGroup: notImplemented,
  getScimUser: notImplemented,
  listScimGroup: notImplemented,
  listScimUsers: notImplemented,
  patchScimGroup: notImplemented,
  patchScimUser: notImplemented,
  replaceScimGroup: notImplemented,
  replaceScimUser: notImplemented,
};
