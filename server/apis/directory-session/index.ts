/** The Infinite Directory session API (seeds 000, 001) at /directory/api/directorysession. */
import { createHash } from 'node:crypto';
import { operationTable, serverUrl } from '../../../generated/directory-session/operations.ts';
import type { ApiDefinition } from '../../http/mount-api.ts';
import { directoryError } from '../../http/error-shapes.ts';
import type { GatewayServices } from '../../services.ts';
import { bearerJwt } from '../../security/bearer-jwt.ts';
import { authorizationValue } from '../../security/credentials.ts';
import { audiences, issuers } from '../../issuers.ts';
import { handlers } from './handlers.ts';
import { directoryDeps } from './directory-deps.ts';
import { sessionAlive } from '../../identity/directory/sessions.ts';

export function directoryApi(spec: object): ApiDefinition<GatewayServices> {
  return {
    name: 'directory-session',
    spec,
    serverUrl,
    table: operationTable,
    handlers,
    security: {
      Infinite_Directory_Session: bearerJwt({
        scheme: 'Infinite_Directory_Session',
        kind: 'directory_session',
        header: 'x-infinite-bearer',
        issuer: (s) => issuers.directory(s.config.publicUrl),
        audience: (s) => audiences.directorySession(s.config.publicUrl),
        typ: 'at+jwt',
        // closed, idle past heartbeat_before or past session_eol: refused before any handler runs
        sessionActive: (s, tenantId, sid) => sessionAlive(directoryDeps(s), tenantId, sid),
      }),
      // The native token is a random secret the native client chose and gave to `authenticate`;
      // holding it is what entitles the client to the session bound to it, so the
      // principal is that token's hash and nothing more.
      Bearer: async (req) => {
        const token = authorizationValue(req, 'Bearer');
        if (token === null) return null;
        const id = createHash('sha256').update(token).digest('hex');
        return { scheme: 'Bearer', kind: 'directory_session', tenantId: 'default', subject: `native:${id}`, scopes: [], credentialId: id };
      },
    },
    errorFormatter: () => directoryError,
    longPollOperations: ['waitForAuthentication'],
  };
}
