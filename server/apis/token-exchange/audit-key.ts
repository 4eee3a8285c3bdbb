/** The audit record of an API key change made by an org member (identity/audit.ts). */
import type { OrgCaller } from '../../identity/orgs/org-access-tokens.ts';
import type { ApiContext } from '../types.ts';

export function auditKeyChange(context: ApiContext, caller: OrgCaller, action: 'api_key.create' | 'api_key.revoke', keyId: string): Promise<void> {
  return context.services.identity.audit.record({
    tenantId: caller.tenantId,
    actor: { type: 'user', id: caller.user._id },
    action,
    outcome: 'success',
    target: keyId,
    ip: context.ip,
    requestId: context.requestId,
  });
}
