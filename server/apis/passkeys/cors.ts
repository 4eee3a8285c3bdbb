/**
 * CORS for the Passkeys API (Fetch standard, CORS protocol): LoginID's web SDK runs on the
 * application's own pages and calls this API from there. A browser on the gateway's origin or on
 * an origin some application allows (identity/loginid/apps.ts) may send the API's requests
 * (Authorization and JSON bodies) and read the replies; preflights are answered here (204). No
 * cookies are involved, so credentials mode stays off. This only lets pages read replies: each
 * WebAuthn ceremony still checks the client data origin against its own application's list.
 */
import cors from 'cors';
import type { RequestHandler } from 'express';
import { originAllowedForSomeApp } from '../../identity/loginid/apps.ts';
import type { GatewayServices } from '../../services.ts';

export function passkeysCors(services: GatewayServices): RequestHandler {
  return cors({
    origin: (origin, callback) => {
      if (!origin) return callback(null, false);
      originAllowedForSomeApp(services.store, origin, services.config.publicUrl).then(
        (allowed) => callback(null, allowed ? origin : false),
        (error: Error) => callback(error),
      );
    },
    methods: ['GET', 'POST', 'PUT', 'DELETE'],
    allowedHeaders: ['Authorization', 'Content-Type', 'Accept'],
    exposedHeaders: ['X-Error-Id', 'Retry-After'],
    maxAge: 600,
  });
}
