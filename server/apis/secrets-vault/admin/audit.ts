/** The audit record of an admin change: who (the credential), what, on which tenant and target. */
import type { ApiContext, ApiPrincipal } from '../../types.ts';

export function auditAdmin(
  context: ApiContext,
  principal: ApiPrincipal,
  event: { tenantId: string; action: string; target: string | null; outcome?: 'success' | 'failure' | 'denied'; details?: Record<string, unknown> },
): Promise<void> {
  return context.services.identity.audit.record({
    tenantId: event.tenantId,
    actor: principal.kind === 'api_key' ? { type: 'api_key', id: principal.credentialId } : { type: 'user', id: principal.userId ?? principal.subject },
    action: event.action,
    outcome: event.outcome ?? 'success',
    target: event.target,
    ip: context.ip,
    requestId: context.requestId,
    details: event.details ?? {},
  });
}
