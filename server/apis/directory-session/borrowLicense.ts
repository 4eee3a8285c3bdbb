/**
 * GET|POST /borrowlicense?action&nativetoken: an LMX borrow of the native client's session
 * (identity/directory/borrows.ts). The native token must be the one this session logged in with:
 * a bearer of one session with another client's native token acts on nothing.
 */
import { forbidden } from '../../http/errors.ts';
import { borrow } from '../../identity/directory/borrows.ts';
import { sha256Hex } from '../../identity/directory/hash.ts';
import { constantTimeEqual } from '../../identity/index.ts';
import { directoryCall, directoryDeps, sessionOf } from './directory-deps.ts';
import type { DirectoryHandler } from './handler-types.ts';

export const borrowLicense: DirectoryHandler<'borrowLicense'> = async ({ query, principal, context }) => {
  const session = await sessionOf(principal, context);
  if (session.nativeTokenHash === null || !constantTimeEqual(session.nativeTokenHash, sha256Hex(query.nativetoken))) {
    throw forbidden('This native token is not the one of this session', { code: 'E_Forbidden' });
  }
  await directoryCall(() => borrow(directoryDeps(context.services), session, query.action, { ip: context.ip, requestId: context.requestId }));
  return { status: 200, body: {} };
};

export const borrowLicensePost: DirectoryHandler<'borrowLicensePost'> = borrowLicense as DirectoryHandler<'borrowLicensePost'>;
