/**
 * Directory session: one handler per operation of specs/directory-session.yaml. Operations no issue has implemented
 * yet are bound to `notImplemented` (501 in this API's error shape; `npm run coverage:ops` counts them).
 */
import type { Handlers } from '../../../generated/directory-session/operations.ts';
import { notImplemented } from '../../http/not-implemented.ts';
import type { ApiContext, ApiPrincipal } from '../types.ts';

export const handlers: Handlers<ApiPrincipal, ApiContext> = {
  authenticate: notImplemented,
  borrowLicense: notImplemented,
  borrowLicensePost: notImplemented,
  closeSession: notImplemented,
  closeSessionPost: notImplemented,
  getUserInfo: notImplemented,
  heartbeat: notImplemented,
  heartbeatPost: notImplemented,
  listApplications: notImplemented,
  onAuthenticated: notImplemented,
  onAuthenticationDone: notImplemented,
  registerFrontendUserAndRedirectUrl: notImplemented,
  waitForAuthentication: notImplemented,
};
