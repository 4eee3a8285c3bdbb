/** Passkeys handlers: SCIM 2.0 Users and Groups of the calling application (RFC 7643/7644), one file per operation. */
import type { Handlers } from '../../../../generated/passkeys/operations.ts';
import type { ApiContext, ApiPrincipal } from '../../types.ts';
import { scimGroupCreate } from './scimGroupCreate.ts';
import { scimGroupDelete } from './scimGroupDelete.ts';
import { scimGroupGet } from './scimGroupGet.ts';
import { scimGroupPatch } from './scimGroupPatch.ts';
import { scimGroupReplace } from './scimGroupReplace.ts';
import { scimGroupsList } from './scimGroupsList.ts';
import { scimResourceTypesList } from './scimResourceTypesList.ts';
import { scimSchemasList } from './scimSchemasList.ts';
import { scimServiceProviderConfigGet } from './scimServiceProviderConfigGet.ts';
import { scimUserCreate } from './scimUserCreate.ts';
import { scimUserDelete } from './scimUserDelete.ts';
import { scimUserGet } from './scimUserGet.ts';
import { scimUserPatch } from './scimUserPatch.ts';
import { scimUserReplace } from './scimUserReplace.ts';
import { scimUsersList } from './scimUsersList.ts';

type ScimOperation =
  | 'scimGroupCreate' | 'scimGroupDelete' | 'scimGroupGet' | 'scimGroupPatch' | 'scimGroupReplace' | 'scimGroupsList'
  | 'scimResourceTypesList' | 'scimSchemasList' | 'scimServiceProviderConfigGet'
  | 'scimUserCreate' | 'scimUserDelete' | 'scimUserGet' | 'scimUserPatch' | 'scimUserReplace' | 'scimUsersList';

export const scimHandlers: Pick<Handlers<ApiPrincipal, ApiContext>, ScimOperation> = {
  scimGroupCreate,
  scimGroupDelete,
  scimGroupGet,
  scimGroupPatch,
  scimGroupReplace,
  scimGroupsList,
  scimResourceTypesList,
  scimSchemasList,
  scimServiceProviderConfigGet,
  scimUserCreate,
  scimUserDelete,
  scimUserGet,
  scimUserPatch,
  scimUserReplace,
  scimUsersList,
};
