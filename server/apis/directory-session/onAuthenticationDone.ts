/** GET /onauthenticationdone (deprecated in the seed): redirects to the static done page. */
import { DONE_PAGE } from '../../identity/directory/login-flow.ts';
import type { DirectoryHandler } from './handler-types.ts';

export const onAuthenticationDone: DirectoryHandler<'onAuthenticationDone'> = async () => ({ status: 302, headers: { Location: DONE_PAGE } });
