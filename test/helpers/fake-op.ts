// A minimal OpenID provider for the tests of sign-ins through an upstream provider (Directory,
// Passkeys): discovery, JWKS, a token endpoint that checks the client secret (client_secret_post)
// and the PKCE verifier, and answers the ID token the test prepared for the code, signed ES256 (its
// `iss` can be made to lie), and userinfo.
import { createHash, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';

export interface PendingCode {
  clientId: string;
  codeChallenge: string;
  nonce: string;
  sub: string;
  claims?: Record<string, unknown>;
  /** an issuer other than the provider's own, for the untrusted-issuer attack */
  lieAboutIssuer?: string;
}

export interface FakeOp {
  issuer: string;
  codes: Map<string, PendingCode>;
  tokenRequests: number;
  stop(): Promise<void>;
}

export async function startFakeOp(clientSecret: string): Promise<FakeOp> {
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' };
  const codes = new Map<string, PendingCode>();
  const userinfo = new Map<string, Record<string, unknown>>();
  let issuer = '';
  const op: FakeOp = { issuer: '', codes, tokenRequests: 0, stop: async () => {} };
  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', issuer);
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (url.pathname === '/.well-known/openid-configuration') {
      return json(200, {
        issuer,
        authorization_endpoint: `${issuer}/authorize`,
        token_endpoint: `${issuer}/token`,
        jwks_uri: `${issuer}/jwks`,
        userinfo_endpoint: `${issuer}/userinfo`,
        response_types_supported: ['code'],
        subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: ['ES256'],
        code_challenge_methods_supported: ['S256'],
        token_endpoint_auth_methods_supported: ['client_secret_post'],
      });
    }
    if (url.pathname === '/jwks') return json(200, { keys: [jwk] });
    if (url.pathname === '/userinfo') {
      const token = (req.headers.authorization ?? '').replace(/^Bearer /, '');
      const info = userinfo.get(token);
      return info ? json(200, info) : json(401, { error: 'invalid_token' });
    }
    if (url.pathname === '/token' && req.method === 'POST') {
      op.tokenRequests++;
      let raw = '';
      for await (const chunk of req) raw += chunk;
      const form = new URLSearchParams(raw);
      const pending = codes.get(form.get('code') ?? '');
      if (!pending || form.get('client_secret') !== clientSecret || form.get('client_id') !== pending.clientId) return json(400, { error: 'invalid_grant' });
      const challenge = createHash('sha256').update(form.get('code_verifier') ?? '').digest('base64url');
      if (challenge !== pending.codeChallenge) return json(400, { error: 'invalid_grant', error_description: 'pkce' });
      codes.delete(form.get('code')!);
      const now = Math.floor(Date.now() / 1000);
      const idToken = await new SignJWT({ nonce: pending.nonce, ...pending.claims })
        .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
        .setIssuer(pending.lieAboutIssuer ?? issuer)
        .setAudience(pending.clientId)
        .setSubject(pending.sub)
        .setIssuedAt(now)
        .setExpirationTime(now + 300)
        .sign(privateKey);
      const accessToken = randomUUID();
      userinfo.set(accessToken, { sub: pending.sub, ...pending.claims });
      return json(200, { access_token: accessToken, token_type: 'Bearer', expires_in: 300, id_token: idToken });
    }
    json(404, { error: 'not_found' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  op.issuer = issuer;
  op.stop = () => new Promise((resolve) => server.close(() => resolve()));
  return op;
}
