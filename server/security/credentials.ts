/** Reading credentials out of headers, strictly: a malformed header is a refusal, not "absent". */
import type { Request } from 'express';
import { unauthorized } from '../http/errors.ts';

/** `Authorization: <Scheme> <value>`; null when the header is absent or uses another scheme. */
export function authorizationValue(req: Request, scheme: 'Bearer' | 'Basic'): string | null {
  const header = req.get('authorization');
  if (!header) return null;
  const space = header.indexOf(' ');
  if (space < 0 || header.slice(0, space).toLowerCase() !== scheme.toLowerCase()) return null;
  const value = header.slice(space + 1).trim();
  if (!value) throw unauthorized(`Empty ${scheme} credentials`);
  return value;
}

/** RFC 7617: base64(user ":" password). */
export function basicCredentials(req: Request): { username: string; password: string } | null {
  const value = authorizationValue(req, 'Basic');
  if (value === null) return null;
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(value)) throw unauthorized('Malformed Basic credentials');
  const decoded = Buffer.from(value, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) throw unauthorized('Malformed Basic credentials');
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}
