/** GET /userinfo: the session user's claims from the upstream provider at login (ID token and userinfo). */
import { sessionOf } from './directory-deps.ts';
import type { DirectoryHandler } from './handler-types.ts';

export const getUserInfo: DirectoryHandler<'getUserInfo'> = async ({ principal, context }) => {
  const session = await sessionOf(principal, context);
  return { status: 200, body: { ...session.userInfo, sub: session.subInfo.sub } };
};
