/**
 * POST /client-events/submit: a browser reports an event (an SDK error code) with the `session` of
 * its ceremony as credential; the event is stored for its application (listed by the operator).
 */
import type { Handlers } from '../../../../generated/passkeys/operations.ts';
import { recordClientEvent } from '../../../identity/loginid/client-events.ts';
import type { ApiContext, ApiPrincipal } from '../../types.ts';

type H = Handlers<ApiPrincipal, ApiContext>;

export const clientEventsSubmit: H['clientEventsSubmit'] = async ({ body, principal, headers, context }) => {
  await recordClientEvent(context.services.store, { tenantId: principal.tenantId, event: body.event, isError: body.isError ?? false, userAgent: context.userAgent || null });
  const session = String((headers as Record<string, unknown>).authorization ?? '');
  return { status: 200, body: { session } };
};
