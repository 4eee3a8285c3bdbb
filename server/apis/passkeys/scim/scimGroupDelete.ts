/** DELETE /fido2/v2/scim/Groups/{id}: RFC 7644 §3.6, 204; another application's group is not found. */
import type { Handlers } from '../../../../generated/passkeys/operations.ts';
import { deleteGroup } from '../../../identity/scim/groups.ts';
import { auditScim, ifMatchOf } from '../../scim-http.ts';
import type { ApiContext, ApiPrincipal } from '../../types.ts';
import { appEndpoint } from './scim-context.ts';

export const scimGroupDelete: Handlers<ApiPrincipal, ApiContext>['scimGroupDelete'] = async ({ params, headers, principal, context }) => {
  await deleteGroup(appEndpoint(context, principal), params.id, ifMatchOf(headers));
  await auditScim(context, principal, principal.tenantId, 'scim.group.delete', params.id);
  return { status: 204 };
};
