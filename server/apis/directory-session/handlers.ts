/** Directory session: one handler per operation of specs/directory-session.yaml, one file per operationId (POST twins share their GET's). */
import type { Handlers } from '../../../generated/directory-session/operations.ts';
import type { ApiContext, ApiPrincipal } from '../types.ts';
import { authenticate } from './authenticate.ts';
import { borrowLicense, borrowLicensePost } from './borrowLicense.ts';
import { closeSession, closeSessionPost } from './closeSession.ts';
import { getUserInfo } from './getUserInfo.ts';
import { heartbeat, heartbeatPost } from './heartbeat.ts';
import { listApplications } from './listApplications.ts';
import { onAuthenticated } from './onAuthenticated.ts';
import { onAuthenticationDone } from './onAuthenticationDone.ts';
import { registerFrontendUserAndRedirectUrl } from './registerFrontendUserAndRedirectUrl.ts';
import { waitForAuthentication } from './waitForAuthentication.ts';

export const handlers: Handlers<ApiPrincipal, ApiContext> = {
  authenticate,
  borrowLicense,
  borrowLicensePost,
  closeSession,
  closeSessionPost,
  getUserInfo,
  heartbeat,
  heartbeatPost,
  listApplications,
  onAuthenticated,
  onAuthenticationDone,
  registerFrontendUserAndRedirectUrl,
  waitForAuthentication,
};
