// A stand-in for an external identity provider: key pairs (EdDSA, ES256, RS256) whose public halves
// it serves as a JWKS over HTTP (counting fetches; it can also hang), and ID tokens signed with them.
import { createHmac, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { exportJWK, generateKeyPair, SignJWT, type JWK, type JWTPayload } from 'jose';

type Alg = 'EdDSA' | 'ES256' | 'RS256';

export interface IdpKey {
  alg: Alg;
  kid: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
}

export async function idpKey(alg: Alg, kid = `${alg.toLowerCase()}-${randomUUID().slice(0, 8)}`): Promise<IdpKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' };
  return { alg, kid, privateKey, publicJwk };
}

export interface Idp {
  issuer: string;
  jwksUri: string;
  /** the keys the JWKS serves now (replace to rotate) */
  published: IdpKey[];
  fetches: number;
  hang: boolean;
  close(): Promise<void>;
}

export async function startIdp(keys: IdpKey[]): Promise<Idp> {
  const server: Server = createServer((req, res) => {
    if (req.url !== '/jwks') {
      res.writeHead(404).end();
      return;
    }
    idp.fetches++;
    if (idp.hang) return; // never answers
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: idp.published.map((k) => k.publicJwk) }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  const idp: Idp = {
    issuer: `http://127.0.0.1:${port}/idp-${randomUUID().slice(0, 6)}`,
    jwksUri: `http://127.0.0.1:${port}/jwks`,
    published: keys,
    fetches: 0,
    hang: false,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return idp;
}

export interface TokenOptions {
  issuer: string;
  audience?: string | string[];
  subject?: string;
  claims?: JWTPayload;
  /** seconds from now */
  expiresIn?: number;
  notBeforeIn?: number;
  header?: Record<string, unknown>;
}

export async function signToken(key: IdpKey, o: TokenOptions): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const jwt = new SignJWT({ ...(o.claims ?? {}) })
    .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'JWT', ...(o.header ?? {}) })
    .setIssuer(o.issuer)
    .setAudience(o.audience ?? 'nominal-client')
    .setSubject(o.subject ?? `idp-user-${randomUUID().slice(0, 8)}`)
    .setIssuedAt(now)
    .setExpirationTime(now + (o.expiresIn ?? 300));
  if (o.notBeforeIn !== undefined) jwt.setNotBefore(now + o.notBeforeIn);
  return jwt.sign(key.privateKey);
}

const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** A token with any header and no real signature (`alg: none` and the like). */
export function unsignedToken(header: object, payload: object, signature = ''): string {
  return `${b64(header)}.${b64(payload)}.${signature}`;
}

/** The classic confusion: HS256 with the issuer's PUBLIC key (as its JWK JSON) as the HMAC secret. */
export function hs256WithPublicKey(key: IdpKey, payload: object): string {
  const input = `${b64({ alg: 'HS256', kid: key.kid, typ: 'JWT' })}.${b64(payload)}`;
  const sig = createHmac('sha256', JSON.stringify(key.publicJwk)).update(input).digest('base64url');
  return `${input}.${sig}`;
}
