/** The Directory's cookies: names, paths and lifetimes in one place (HttpOnly, SameSite=Lax, Secure on https: context.ts). */
export const SSO_COOKIE = 'directory_sso';
export const LOGIN_COOKIE = 'directory_login';
export const COOKIE_PATH = '/directory/api/directorysession';
/** only the callback needs the browser binding */
export const LOGIN_COOKIE_PATH = `${COOKIE_PATH}/onauthenticated`;
