/**
 * Passkeys: one handler per operation of specs/passkeys.yaml. Operations no issue has implemented
 * yet are bound to `notImplemented` (501 in this API's error shape; `npm run coverage:ops` counts them).
 */
import type { Handlers } from '../../../generated/passkeys/operations.ts';
import { notImplemented } from '../../http/not-implemented.ts';
import type { ApiContext, ApiPrincipal } from '../types.ts';
import { scimHandlers } from './scim/handlers.ts';
import { authCodeRequest } from './auth/authCodeRequest.ts';
import { authCodeRequestEmail } from './auth/authCodeRequestEmail.ts';
import { authCodeRequestSms } from './auth/authCodeRequestSms.ts';
import { authCodeVerify } from './auth/authCodeVerify.ts';
import { authComplete } from './auth/authComplete.ts';
import { authInit } from './auth/authInit.ts';
import { clientEventsSubmit } from './client-events/clientEventsSubmit.ts';
import { mfaBegin } from './mfa/mfaBegin.ts';
import { mfaDiscover } from './mfa/mfaDiscover.ts';
import { mfaOtpRequest } from './mfa/mfaOtpRequest.ts';
import { mfaOtpVerify } from './mfa/mfaOtpVerify.ts';
import { mfaPasskeyAuth } from './mfa/mfaPasskeyAuth.ts';
import { mfaPasskeyReg } from './mfa/mfaPasskeyReg.ts';
import { mfaPasskeyTx } from './mfa/mfaPasskeyTx.ts';
import { mfaPayloadUpdate } from './mfa/mfaPayloadUpdate.ts';
import { mfaThirdPartyAuthVerify } from './mfa/mfaThirdPartyAuthVerify.ts';
import { mfaTokenRefresh } from './mfa/mfaTokenRefresh.ts';
import { mgmtAaguidBlacklistDelete } from './mgmt/mgmtAaguidBlacklistDelete.ts';
import { mgmtAaguidBlacklistList } from './mgmt/mgmtAaguidBlacklistList.ts';
import { mgmtAaguidBlacklistUpdate } from './mgmt/mgmtAaguidBlacklistUpdate.ts';
import { mgmtAaguidGet } from './mgmt/mgmtAaguidGet.ts';
import { mgmtDeviceUsersGet } from './mgmt/mgmtDeviceUsersGet.ts';
import { mgmtDiscover } from './mgmt/mgmtDiscover.ts';
import { mgmtExternalAuthGrantCreate } from './mgmt/mgmtExternalAuthGrantCreate.ts';
import { mgmtGrantCreate } from './mgmt/mgmtGrantCreate.ts';
import { mgmtPasskeyGet } from './mgmt/mgmtPasskeyGet.ts';
import { mgmtPasskeyRename } from './mgmt/mgmtPasskeyRename.ts';
import { mgmtTokenVerify } from './mgmt/mgmtTokenVerify.ts';
import { mgmtUserActivate } from './mgmt/mgmtUserActivate.ts';
import { mgmtUserDeactivate } from './mgmt/mgmtUserDeactivate.ts';
import { mgmtUserDelete } from './mgmt/mgmtUserDelete.ts';
import { mgmtUserGetByUsername } from './mgmt/mgmtUserGetByUsername.ts';
import { oidcCallback } from './oidc/oidcCallback.ts';
import { oidcLogin } from './oidc/oidcLogin.ts';
import { passkeyDelete } from './passkeys/passkeyDelete.ts';
import { passkeyRename } from './passkeys/passkeyRename.ts';
import { passkeysAaguidGet } from './passkeys/passkeysAaguidGet.ts';
import { passkeysList } from './passkeys/passkeysList.ts';
import { profileDelete } from './profile/profileDelete.ts';
import { profileEmailDelete } from './profile/profileEmailDelete.ts';
import { profileEmailUpdate } from './profile/profileEmailUpdate.ts';
import { profileEmailVerify } from './profile/profileEmailVerify.ts';
import { profilePhoneDelete } from './profile/profilePhoneDelete.ts';
import { profilePhoneUpdate } from './profile/profilePhoneUpdate.ts';
import { profilePhoneVerify } from './profile/profilePhoneVerify.ts';
import { regComplete } from './reg/regComplete.ts';
import { regInit } from './reg/regInit.ts';
import { txComplete } from './tx/txComplete.ts';
import { txInit } from './tx/txInit.ts';
import { versionShow } from './well-known/versionShow.ts';
import { wellKnownJwks } from './well-known/wellKnownJwks.ts';

export const handlers: Handlers<ApiPrincipal, ApiContext> = {
  authCodeRequest,
  authCodeRequestEmail,
  authCodeRequestSms,
  authCodeVerify,
  authComplete,
  authInit,
  clientEventsSubmit,
  mfaBegin,
  mfaDiscover,
  mfaOtpRequest,
  mfaOtpVerify,
  mfaPasskeyAuth,
  mfaPasskeyReg,
  mfaPasskeyTx,
  mfaPayloadUpdate,
  mfaThirdPartyAuthVerify,
  mfaTokenRefresh,
  mgmtAaguidBlacklistDelete,
  mgmtAaguidBlacklistList,
  mgmtAaguidBlacklistUpdate,
  mgmtAaguidGet,
  mgmtDeviceUsersGet,
  mgmtDiscover,
  mgmtExternalAuthGrantCreate,
  mgmtGrantCreate,
  mgmtPasskeyGet,
  mgmtPasskeyRename,
  mgmtTokenVerify,
  mgmtUserActivate,
  mgmtUserDeactivate,
  mgmtUserDelete,
  mgmtUserGetByUsername,
  oidcCallback,
  oidcLogin,
  passkeyDelete,
  passkeyRename,
  passkeysAaguidGet,
  passkeysList,
  profileDelete,
  profileEmailDelete,
  profileEmailUpdate,
  profileEmailVerify,
  profilePhoneUpdate,
  profilePhoneVerify,
  regComplete,
  regInit,
  ...scimHandlers,
  txComplete,
  txInit,
  wellKnownJwks,
  profilePhoneDelete,
  versionShow,
};
