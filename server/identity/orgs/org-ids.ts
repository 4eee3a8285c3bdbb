/**
 * UUIDs of orgs and users, stable across restarts and instances without being stored: an org is a
 * tenant (membership.ts), and tenant ids are slugs, so the org's UUID is the name-based UUID
 * (RFC 9562 §5.5, version 5) of the tenant id; a user keeps its id when that is already a UUID
 * (the core's default) and otherwise gets the name-based UUID of tenant and id.
 */
import { v5 as uuidv5, validate as isUuid } from 'uuid';

/** Fixed namespace of the gateway's name-based UUIDs (random once, never to change). */
const NAMESPACE = '5d0c6f7e-3b0a-4c8e-9a51-2f4b7d9e1c63';

export const orgUuidOf = (tenantId: string) => uuidv5(`tenant:${tenantId}`, NAMESPACE);

export const userUuidOf = (tenantId: string, userId: string) => (isUuid(userId) ? userId.toLowerCase() : uuidv5(`user:${tenantId}:${userId}`, NAMESPACE));
