/** Vault handlers: SCIM 2.0 Users and Groups per tenant (RFC 7643/7644), one file per operation. */
import type { VaultHandlers } from '../handler-types.ts';
import { createScimGroup } from './createScimGroup.ts';
import { createScimUser } from './createScimUser.ts';
import { deleteScimGroup } from './deleteScimGroup.ts';
import { deleteScimUser } from './deleteScimUser.ts';
import { getScimGroup } from './getScimGroup.ts';
import { getScimUser } from './getScimUser.ts';
import { listScimGroup } from './listScimGroup.ts';
import { listScimUsers } from './listScimUsers.ts';
import { patchScimGroup } from './patchScimGroup.ts';
import { patchScimUser } from './patchScimUser.ts';
import { replaceScimGroup } from './replaceScimGroup.ts';
import { replaceScimUser } from './replaceScimUser.ts';

export const scimHandlers: VaultHandlers<'createScimGroup' | 'createScimUser' | 'deleteScimGroup' | 'deleteScimUser' | 'getScimGroup' | 'getScimUser' | 'listScimGroup' | 'listScimUsers' | 'patchScimGroup' | 'patchScimUser' | 'replaceScimGroup' | 'replaceScimUser'> = {
  createScimGroup,
  createScimUser,
  deleteScimGroup,
  deleteScimUser,
  getScimGroup,
  getScimUser,
  listScimGroup,
  listScimUsers,
  patchScimGroup,
  patchScimUser,
  replaceScimGroup,
  replaceScimUser,
};
