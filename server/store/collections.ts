/**
 * The one place where the gateway's MongoDB collections, their document shapes and their indexes
 * are declared (docs/architecture.md, Storage). Every module reaches the database through the typed
 * `Store` returned by `openStore(db)`, and `ensureIndexes(store)` creates every index at start-up.
 *
 * Conventions every collection follows:
 * - `_id` is a string we choose (uuid, key id, thumbprint ...) unless the record has no natural id.
 * - Field names are camelCase; each API maps them to its own wire names in its handlers.
 * - Tenant-owned records carry `tenantId`, and every query on them filters on it.
 * - Expiring records carry `expiresAt: Date` with a TTL index (`expireAfterSeconds: 0`). TTL deletion
 *   runs late (every 60 s on MongoDB), so every read of such a record also filters on `expiresAt`.
 * - No multi-document transactions: an atomic state change is one guarded single-document update.
 *
 * Adding a collection (sessions, auth requests, codes, refresh tokens, challenges, passkey
 * credentials, SCIM groups ...): declare its `...Doc` interface below, add it to `Store` and to
 * `openStore`, and add its indexes to `INDEXES`, all in this file, in the same pattern.
 */
import type { Collection, Db, IndexDescription } from 'mongodb';

/** A tenant of the identity core (a Vault tenant, a LoginID application, an org ...). */
export interface TenantDoc {
  _id: string;
  name: string;
  /** Open per-API settings, e.g. `settings.vault` (block_config, login options), `settings.passkeys`. */
  settings: Record<string, unknown>;
  createdAt: Date;
  updatedAt: Date;
  /** bumped by every update (identity/record-cache.ts: how instances notice a change); absent before the first */
  version?: number;
}

export interface UserDoc {
  _id: string; // uuid
  tenantId: string;
  /** As given by the user; shown back unchanged. */
  username: string;
  /** Normalised for lookups and uniqueness: NFC, lower case (users.ts `usernameKey`). */
  usernameKey: string;
  email: string | null;
  /** Lower-cased e-mail for lookups; not unique (several accounts may share one mailbox). */
  emailKey: string | null;
  emailVerified: boolean;
  phone: string | null;
  displayName: string;
  disabled: boolean;
  externalId: string | null;
  /** Open area for API-specific fields (Vault roles and locale, SCIM name parts, passkeys consent ...). */
  profile: Record<string, unknown>;
  /** Incremented on every update: SCIM `meta.version` and optimistic concurrency. */
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

export interface ApiKeyDoc {
  _id: string; // key id, also embedded in the key value (api-keys.ts)
  tenantId: string;
  /** The user the key belongs to (Vault "my keys"), or null for tenant-level keys. */
  ownerId: string | null;
  name: string;
  /** Granted scopes; `*` grants every scope. */
  scopes: string[];
  /** SHA-256 (hex) of the whole key value; the value itself is never stored. */
  secretHash: string;
  /** `generated` keys have the `gk_<id>_<secret>` form; `imported` ones are operator-chosen values. */
  source: 'generated' | 'imported';
  createdAt: Date;
  /** Optional expiry: the key stops authenticating then, but stays listable (as expired) until `purgeAt`. */
  expiresAt: Date | null;
  /** When the TTL index removes the record: `expiresAt` + api-keys.ts `EXPIRED_KEY_RETENTION_DAYS`; null for keys that never expire. */
  purgeAt?: Date | null;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
  lastUsedIp: string | null;
  lastUsedUserAgent: string | null;
}

/**
 * An identity provider whose ID and access tokens the token-exchange API accepts, besides the
 * gateway's own issuers (identity/federation/trusted-issuers.ts); `_id` is the issuer URL (`iss`).
 */
export interface TrustedIssuerDoc {
  _id: string;
  /** The token's `aud` must contain one of these. */
  audiences: string[];
  /** Where the issuer publishes its keys, fetched with a timeout and cached; or the keys inline. */
  jwksUri: string | null;
  jwks: { keys: Record<string, unknown>[] } | null;
  /** The claim that carries the user's e-mail address (default `email`). */
  emailClaim: string;
  /** The issuer vouches for every address it sends, even without `email_verified: true`. */
  emailsVerified: boolean;
  /** OpenID userinfo endpoint, read with the caller's access token when the ID token lacks the e-mail. */
  userinfoUrl: string | null;
  createdAt: Date;
  updatedAt: Date;
}

/**
 * A workspace of an org (identity/orgs/workspaces.ts). `resources` holds the resource identifiers
 * registered in it; a unique multikey index makes a resource belong to one workspace at most,
 * which lets one guarded single-document update register a batch all-or-nothing.
 */
export interface WorkspaceDoc {
  _id: string; // uuid, the locator of the workspace rid
  tenantId: string;
  name: string;
  /** Absent until the first registration (the unique index covers only workspaces that have it). */
  resources?: string[];
  createdAt: Date;
}

export type SigningAlg = 'EdDSA' | 'ES256' | 'RS256';

export interface SigningKeyDoc {
  _id: string; // kid: RFC 7638 JWK thumbprint of the public key
  issuer: string;
  alg: SigningAlg;
  /** `active` signs; `retired` is only published (for verification) until `expiresAt`. */
  status: 'active' | 'retired';
  publicJwk: Record<string, string>;
  /** The private JWK, sealed under the master key (secrets/seal.ts, purpose `signing-key`). */
  sealedPrivateJwk: string;
  createdAt: Date;
  retiredAt: Date | null;
  /** End of the publish window of a retired key; null while active. TTL-indexed. */
  expiresAt: Date | null;
}

/** OAuth/OpenID client registrations, shaped after the Vault's Client schema. */
export interface ClientDoc {
  _id: string; // uuid
  tenantId: string;
  /** The OAuth `client_id`, unique within its tenant. */
  clientId: string;
  name: string;
  type: 'public' | 'confidential';
  /** SHA-256 (hex) of the client secret for confidential clients; null for public ones. */
  secretHash: string | null;
  redirectUris: string[];
  postLogoutRedirectUris: string[];
  allowedScopes: string[];
  grantTypes: string[];
  /** ID-token signing algorithm (the Vault's `sing_alg`). */
  signingAlg: 'EdDSA' | 'RS256';
  tokenEndpointAuthMethod: string;
  /** Open area for the Vault's display fields (logo_uri, op_tos_url, flow ...). */
  extra: Record<string, unknown>;
  createdAt: Date;
  updatedAt: Date;
  /** bumped by every update (identity/record-cache.ts); absent before the first */
  version?: number;
}

export interface AuditDoc {
  _id: string; // uuid
  at: Date;
  tenantId: string | null;
  /** Who acted: a user id, an API key id, a client id, or anonymous. */
  actorType: 'user' | 'api_key' | 'client' | 'system' | 'anonymous';
  actorId: string | null;
  action: string;
  outcome: 'success' | 'failure' | 'denied';
  target: string | null;
  ip: string | null;
  requestId: string | null;
  details: Record<string, unknown>;
  expiresAt: Date;
}

/** One fixed-window counter of the rate limiter (rate-limit.ts). */
export interface RateLimitDoc {
  _id: string; // `${key}|${windowStart}`
  key: string;
  windowStart: Date;
  count: number;
  expiresAt: Date;
}

export interface OutboxDoc {
  _id: string; // uuid
  tenantId: string | null;
  channel: 'email' | 'sms';
  to: string;
  subject: string | null;
  body: string;
  purpose: string;
  /** `stored` only (no transport), `sent` by SMTP, or `failed` with `error`. */
  status: 'stored' | 'sent' | 'failed';
  error: string | null;
  createdAt: Date;
  deliveredAt: Date | null;
  expiresAt: Date;
}

/** Singletons of the deployment: the bootstrap record, the desired crypto core ... */
export interface MetaDoc {
  _id: string;
  [field: string]: unknown;
}

/** Crypto core swaps, rollbacks and refusals, persisted for status and history. */
export interface CoreEventDoc {
  _id: string; // uuid
  at: Date;
  instanceId: string;
  kind: string;
  version: string | null;
  ok: boolean;
  reason: string | null;
  details: Record<string, unknown>;
}

/** A user's login session at a Vault tenant (identity/vault/login-continuation.ts); `_id` is the `sid` claim. */
export interface SessionDoc {
  _id: string; // uuid
  tenantId: string;
  userId: string;
  /** How the user proved who they are ('zkimg', 'passkey', or another API's method, e.g. 'otp', 'upstream'). */
  method: string;
  /** RFC 8176 authentication method references of every proof in this session (identity/amr.ts); absent on older records. */
  amr?: string[];
  ip: string | null;
  userAgent: string | null;
  createdAt: Date;
  /** Last (re-)authentication: the ID token's `auth_time`. */
  authTime: Date;
  lastSeenAt: Date;
  lastSeenIp: string | null;
  lastSeenUserAgent: string | null;
  /** Last token issue (code exchange or refresh) in this session, for SessionInfo.token_issue. */
  tokenIssuedAt: Date | null;
  tokenIssueIp: string | null;
  tokenIssueUserAgent: string | null;
  expiresAt: Date;
  /** Set by logout or refresh-token reuse; an ended session issues no more tokens. */
  endedAt: Date | null;
}

/** A pending OpenID authorization request (`auth_req_id`), between authorize and authorize/complete. */
export interface AuthRequestDoc {
  _id: string; // auth_req_id
  tenantId: string;
  clientId: string;
  redirectUri: string;
  scope: string[];
  state: string | null;
  nonce: string | null;
  codeChallenge: string | null;
  codeChallengeMethod: 'S256' | null;
  createdAt: Date;
  expiresAt: Date;
  /** Set once, by the completion that issued a code: an auth request yields at most one code. */
  completedAt: Date | null;
}

/** The single-use proof of a successful login that authorize/complete redeems; `_id` is its SHA-256. */
export interface LoginNonceDoc {
  _id: string; // hex SHA-256 of the nonce
  tenantId: string;
  userId: string;
  sessionId: string;
  authReqId: string | null;
  /** How the user proved who they are ('zkimg', 'passkey', or another API's method, e.g. 'otp', 'upstream'). */
  method: string;
  /** The login needs a second step (unverified user or 2FA tenant) before a code may be issued. */
  needVerify: boolean;
  steppedUpAt: Date | null;
  createdAt: Date;
  expiresAt: Date;
  usedAt: Date | null;
}

/** An OAuth authorization code (RFC 6749 §4.1.2); `_id` is the SHA-256 of the code. */
export interface AuthorizationCodeDoc {
  _id: string; // hex SHA-256 of the code
  tenantId: string;
  clientId: string;
  redirectUri: string;
  codeChallenge: string | null;
  codeChallengeMethod: 'S256' | null;
  nonce: string | null;
  scope: string[];
  userId: string;
  sessionId: string;
  authTime: Date;
  createdAt: Date;
  expiresAt: Date;
  usedAt: Date | null;
}

/**
 * What every stored refresh grant carries, whichever its layout: what revocation matches on
 * (identity/sessions.ts ends a session's or a user's with one `updateMany`; a family is revoked by
 * `familyId`) and what a rotation issues from.
 */
interface RefreshGrantFields {
  tenantId: string;
  clientId: string;
  userId: string;
  sessionId: string;
  /** The family: every token rotated from one grant (a code exchange: the code's hash; an MFA flow). */
  familyId: string;
  /**
   * The issuer of the token profile the family was issued under (identity/oauth/grant.ts): a token
   * is redeemed only at a token endpoint of that issuer. Absent on tokens stored by versions before
   * the Passkeys API issued refresh tokens, which only the Vault issued.
   */
  issuer?: string | null;
  scope: string[];
  authTime: Date;
  createdAt: Date;
  expiresAt: Date;
  revokedAt: Date | null;
  revokedReason: string | null;
}

/**
 * A refresh-token family as one document (identity/oauth/refresh-tokens.ts): the family's current
 * token is `<family key>.<secret>`; `_id` is the SHA-256 of the key and `current` that of the
 * current secret. A rotation replaces `current` in place.
 */
export interface RefreshFamilyDoc extends RefreshGrantFields {
  _id: string; // hex SHA-256 of the family key
  /** hex SHA-256 of the current token's secret */
  current: string;
  /** the current token's own end (its issue + the refresh-token lifetime); `expiresAt` is the family's (its session's) */
  currentExpiresAt: Date;
  /** how many times the family rotated */
  rotations: number;
  /** when, from where and by what the current token was issued (the session view shows the latest: identity/sessions.ts) */
  issuedAt: Date;
  issueIp: string | null;
  issueUserAgent: string | null;
}

/**
 * A refresh token as earlier versions stored it, one document per token (`_id` its SHA-256): still
 * honoured, and rotated into a family document on first use (identity/oauth/refresh-tokens.ts).
 */
export interface LegacyRefreshTokenDoc extends RefreshGrantFields {
  _id: string; // hex SHA-256 of the token
  current?: undefined;
  /** Set when the token was exchanged for its successor; a second use is reuse. */
  rotatedAt: Date | null;
}

/** A document of `refreshTokens`: a family (current layout) or one token of an earlier version. */
export type RefreshTokenDoc = RefreshFamilyDoc | LegacyRefreshTokenDoc;

/** A user's zkimg-1 enrolment (identity/vault/commitments.ts); `_id` is the user id. */
export interface ZkimgCommitmentDoc {
  _id: string; // user id
  tenantId: string;
  protoVersion: 'zkimg-1';
  /**
   * The client's `encrypted_commitment` (which only `cipherKey` opens), sealed once more under the
   * master key (sealer purpose `zkimg-commitment`), so a copy of the database alone opens nothing.
   */
  sealed: string;
  createdAt: Date;
  updatedAt: Date;
}

/** A zkimg-1 login challenge (identity/vault/challenges.ts): answers once, right or wrong. */
export interface ZkimgChallengeDoc {
  _id: string; // uuid v4: the challenge id
  tenantId: string;
  userId: string;
  /** 32 random bytes, base64url. */
  nonce: string;
  createdAt: Date;
  expiresAt: Date;
  /** Set by the one authenticate that consumed it. */
  usedAt: Date | null;
  /**
   * The commitment's public part (b64u Y, n, r), learnt when Get Challenge opened it, for proofs
   * that come without a cipherKey (Update Email; docs/zkimg-1.md "What the server learns").
   */
  proofKey?: { Y: string; n: number; r: number };
}

/** Failed-login counter and block of one IP or one username in a tenant (identity/vault/lockout.ts). */
export interface LoginLockoutDoc {
  _id: string; // `${tenantId}|ip|${ip}` or `${tenantId}|user|${usernameKey}`
  tenantId: string;
  kind: 'ip' | 'user';
  /** The IP address, or the username key (unknown usernames are counted too, so blocks reveal nothing). */
  subject: string;
  /** The user, when the username belongs to one (blocked-users lists only those). */
  userId: string | null;
  /** Failed attempts since `windowStart`. */
  failures: number;
  /** Attempts holding a slot in this window: the failures plus those still being checked (lockout.ts reserveAttempt). */
  reserved: number;
  windowStart: Date;
  /** The marker of the attempt that took the last slot: how that attempt knows its update took one (identity/lockout/attempts.ts). */
  reservation?: string | null;
  /** Blocks imposed so far; each one doubles the next (block_config). */
  level: number;
  blockedAt: Date | null;
  blockedUntil: Date | null;
  blockSeconds: number;
  updatedAt: Date;
  expiresAt: Date;
}

/** A one-time password-reset code (identity/vault/reset-codes.ts); only its salted hash is kept. */
export interface ResetCodeDoc {
  _id: string; // the code's selector (reset-codes.ts): the code names its record, and so its tenant
  tenantId: string;
  userId: string;
  /** The code is redeemed only with the username it was issued for. */
  usernameKey: string;
  codeHash: string;
  /** Wrong codes tried against this record; it dies at the limit. */
  attempts: number;
  createdAt: Date;
  expiresAt: Date;
  usedAt: Date | null;
}

/**
 * A one-time link e-mailed to a user (identity/vault/account-links.ts): an enrolment invitation or
 * an e-mail verification. Only the SHA-256 of the link's token is kept, as `_id`.
 */
export interface AccountLinkDoc {
  _id: string; // hashSecret(token)
  tenantId: string;
  userId: string;
  purpose: 'enrolment' | 'email_verification';
  /** The address the link went to: a verification confirms only this address. */
  email: string;
  createdAt: Date;
  expiresAt: Date;
  usedAt: Date | null;
}

/**
 * A WebAuthn credential (passkey) of a user (identity/webauthn/credentials.ts), shared by the
 * Vault's passkey operations and the Passkeys API. `_id` is the passkey id shown to users.
 */
export interface PasskeyCredentialDoc {
  _id: string; // uuid: the passkey id of the APIs (`key_id`)
  tenantId: string;
  userId: string;
  /** The credential id (WebAuthn §6.1 credentialId), base64url; unique per tenant. */
  credentialId: string;
  /** The credential public key as the authenticator sent it (COSE_Key, RFC 9053), base64url. */
  publicKey: string;
  /** COSE algorithm of the key (-7 ES256, -8 EdDSA, -257 RS256). */
  alg: number;
  /** Last signature counter seen (WebAuthn §6.1.1); 0 for authenticators without one. */
  signCount: number;
  transports: string[];
  /** Authenticator model (AAGUID, WebAuthn §6.5.1) as a UUID string; all zeros when not attested. */
  aaguid: string;
  /** The WebAuthn user handle this credential was created for, base64url. */
  userHandle: string;
  name: string;
  attestationFormat: string;
  /** Backup eligibility and state (BE, BS flags, WebAuthn §6.1): a synced passkey has both. */
  backupEligible: boolean;
  backedUp: boolean;
  createdAt: Date;
  updatedAt: Date;
  lastUsedAt: Date | null;
  lastUsedFrom: { ip: string | null; userAgent: string | null; country: string | null } | null;
  /** The Passkeys API's device records (identity/loginid/devices.ts) it was created and last used from. */
  createdFromDeviceId?: string | null;
  lastUsedFromDeviceId?: string | null;
}

/** A WebAuthn ceremony challenge (identity/webauthn/ceremonies.ts): answers once, right or wrong. */
export interface WebauthnChallengeDoc {
  _id: string; // the challenge itself, base64url (the client data carries it back)
  /**
   * The pending ceremony's opaque id, handed to the client with the options: an API whose
   * completion request carries it (an anonymous registration, a transaction) finds the ceremony
   * by it, and the challenge in the client data must still be this one (identity/webauthn/ceremonies.ts).
   */
  session: string;
  tenantId: string;
  purpose: 'registration' | 'authentication' | 'transaction';
  /** The user the ceremony is for; null for a discoverable-credential login (or an unknown username). */
  userId: string | null;
  /** A registration for a user who does not exist yet: the account the options announced. */
  newUser: { name: string; displayName: string } | null;
  /** A login by username names it; a discoverable login (any of the tenant's credentials) does not. */
  byUsername: boolean;
  /** Credential ids the options allowed (authentication by username); empty otherwise. */
  allowCredentialIds: string[];
  userVerification: 'required' | 'preferred' | 'discouraged';
  /** A transaction confirmation: the caller's id for it and the SHA-256 (base64url) of what is confirmed. */
  transaction: { id: string; hash: string } | null;
  createdAt: Date;
  expiresAt: Date;
  usedAt: Date | null;
}

/**
 * A device (browser, app) the Passkeys API saw a user register or sign in from
 * (identity/loginid/devices.ts): LoginID's `deviceInfo`, kept per tenant.
 */
export interface LoginidDeviceDoc {
  _id: string; // uuid: the `deviceId` of the Passkeys API
  tenantId: string;
  /** LoginID DeviceInfo fields as the client sent them (bounded), plus the User-Agent. */
  info: Record<string, string | number | boolean>;
  userAgent: string | null;
  /** Users who registered or signed in from this device. */
  userIds: string[];
  createdAt: Date;
  lastUsedAt: Date;
}

/** An AAGUID an application refuses for registration and/or authentication (identity/loginid/aaguid-blacklist.ts). */
export interface LoginidAaguidBlockDoc {
  _id: string; // `${tenantId}|${aaguid}`
  tenantId: string;
  aaguid: string;
  reg: boolean;
  auth: boolean;
  updatedAt: Date;
}

/** A one-time code of the Passkeys API (identity/loginid/otp-codes.ts); only its hash is kept. */
export interface LoginidOtpDoc {
  _id: string; // uuid
  tenantId: string;
  userId: string;
  /**
   * `auth`: sign-in code; `email` / `phone`: proof of a profile address (which is `target`);
   * `mfa`: a code of an MFA flow (`target` is the flow's id, so it confirms that flow only).
   */
  purpose: 'auth' | 'email' | 'phone' | 'mfa';
  target: string | null;
  codeHash: string;
  createdAt: Date;
  expiresAt: Date;
  usedAt: Date | null;
}

/**
 * An MFA flow of the Passkeys API (identity/loginid/mfa-sessions.ts): the server-side state behind
 * the opaque `session` string, advanced by single-document updates guarded on `step`.
 */
export interface LoginidMfaSessionDoc {
  _id: string; // uuid: the flow's id, the first part of its session string
  tenantId: string;
  /** SHA-256 of the secret part of the current session string; replaced at every step. */
  secretHash: string;
  /** Steps taken so far: the compare-and-set counter. */
  step: number;
  state: 'started' | 'otp_sent' | 'done';
  flow: 'signIn' | 'signUp';
  /** The existing user, or the id chosen for the user a sign-up creates. */
  userId: string;
  username: string;
  /** For a sign-up: the names of the user to create. */
  newUser: { username: string; displayName: string; usernameType: string } | null;
  deviceId: string;
  /** The payload the user confirms ('' when none). */
  payload: string;
  traceId: string;
  /** The actions mfa/begin offered (mfa-policy.ts), in the order shown. */
  actions: ('passkey' | 'passkey:reg' | 'otp:email' | 'otp:sms' | 'external')[];
  /** The addresses offered for codes; only their ids travel to the client. */
  targets: { id: string; channel: 'email' | 'sms'; address: string }[];
  /** The pending WebAuthn ceremony of the offered passkey action (webauthn/ceremonies.ts). */
  ceremony: { purpose: 'auth' | 'tx' | 'reg'; challenge: string; ceremonySession: string; options: string } | null;
  /** The address the last code went to. */
  otpTargetId: string | null;
  /** Refused steps of this flow (wrong codes, failed assertions, steps out of order). */
  failures: number;
  createdAt: Date;
  expiresAt: Date;
  finishedAt: Date | null;
}

/** An event a browser of an application reported (client-events/submit). */
export interface LoginidClientEventDoc {
  _id: string; // uuid
  tenantId: string;
  event: string;
  isError: boolean;
  userAgent: string | null;
  createdAt: Date;
  expiresAt: Date;
}

/** A SCIM 2.0 Group of a tenant's users (RFC 7643 §4.2; identity/scim/group-store.ts). */
export interface ScimGroupDoc {
  _id: string; // uuid: the SCIM `id`
  tenantId: string;
  displayName: string;
  /** Lower-cased, NFC displayName: unique per tenant (409 `uniqueness`), and the index for `displayName eq`. */
  displayNameKey: string;
  externalId: string | null;
  /** Members are users of the same tenant; `value` is the user id, `display` its userName when added. */
  members: { value: string; display: string | null; type: 'User' }[];
  /** Incremented on every change: `meta.version` (W/"<version>") and optimistic concurrency. */
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

/**
 * One signal of the signal hub (identity/signals.ts): "something changed for (topic, key)". `seq`
 * comes from one counter (the `meta` document `signal-seq`), so every instance can watch the whole
 * collection with one `seq > watermark` query however many waiters it holds.
 */
export interface SignalDoc {
  _id: string; // `${topic}|${seq}`
  topic: string;
  key: string;
  seq: number;
  at: Date;
  expiresAt: Date;
}

/** A Directory upstream OpenID provider of a tenant (identity/directory/upstreams.ts); `_id` is the tenant id. */
export interface DirectoryUpstreamDoc {
  _id: string; // tenant id
  issuer: string;
  clientId: string;
  /** The client secret, sealed under the master key (purpose `directory-upstream-secret`). */
  sealedSecret: string;
  scopes: string[];
  /** `id_token_signed_response_alg` the client was registered with */
  idTokenAlg: string;
  createdAt: Date;
  updatedAt: Date;
}

/**
 * What every login through an upstream OpenID provider keeps between the redirect to the provider
 * and its callback (identity/upstream-logins.ts); `_id` is the SHA-256 of `state`.
 */
export interface UpstreamLoginFields {
  _id: string;
  /** SHA-256 of the value of the browser-binding cookie set when the login started. */
  bindingHash: string;
  /** The PKCE verifier, sealed (purpose of the API that stored it). */
  sealedVerifier: string;
  nonce: string;
  /** The provider the browser was sent to: the callback's ID token must come from it. */
  upstreamIssuer: string;
  createdAt: Date;
  expiresAt: Date;
  usedAt: Date | null;
}

/** A Directory login between `authenticate` and `onauthenticated` (identity/directory/logins.ts). */
export interface DirectoryLoginDoc extends UpstreamLoginFields {
  tenantId: string;
  claims: string;
  appClaims: string[];
  appData: string | null;
  redirectUrl: string;
  needExtendedBearer: boolean;
  /** SHA-256 of the native token, for a native login. */
  nativeTokenHash: string | null;
}

/**
 * An OpenID provider of a Passkeys application (identity/loginid/oidc-providers.ts). A record
 * without `issuer` is the built-in provider (the gateway's own Vault) with the operator's redirect
 * URIs and scopes.
 */
export interface LoginidOidcProviderDoc {
  _id: string; // `${tenantId}/${providerId}`
  tenantId: string;
  providerId: string;
  issuer: string | null;
  clientId: string | null;
  /** The client secret, sealed under the master key (purpose `loginid-oidc-provider-secret`). */
  sealedSecret: string | null;
  scopes: string[];
  idTokenAlg: string | null;
  /** Where `oidc/{providerId}/callback` may send the browser with the access token (exact match). */
  redirectUris: string[];
  createdAt: Date;
  updatedAt: Date;
}

/** A Passkeys sign-in between `oidc/{providerId}/login` and its callback (identity/loginid/oidc-login.ts). */
export interface LoginidOidcLoginDoc extends UpstreamLoginFields {
  tenantId: string;
  providerId: string;
  /** The application's page that receives the access token. */
  redirectUri: string;
  /** The callback URL the provider was given (`redirect_uri` of the code exchange). */
  callbackUri: string;
}

/** A native client's login (identity/directory/native-logins.ts); `_id` is the SHA-256 of the native token. */
export interface DirectoryNativeLoginDoc {
  _id: string;
  tenantId: string;
  /**
   * pending: the browser leg runs; completed: `sessionId` is ready to collect; consumed: collected
   * once; failed: the browser leg ended in a refusal, which the poll reports (`failure`).
   */
  state: 'pending' | 'completed' | 'consumed' | 'failed';
  sessionId: string | null;
  /** Why the browser leg failed: the refusal's reason, and whether the person declined (access_denied). */
  failure?: { reason: string; accessDenied: boolean } | null;
  createdAt: Date;
  completedAt: Date | null;
  expiresAt: Date;
}

/** An open Directory session (identity/directory/sessions.ts); `_id` is the `sid` claim of its bearers. */
export interface DirectorySessionDoc {
  _id: string; // uuid
  tenantId: string;
  userId: string;
  claims: string;
  appClaims: string[];
  needExtendedBearer: boolean;
  nativeTokenHash: string | null;
  subInfo: { sub: string; email?: string; name?: string };
  displayName: string;
  /** The upstream provider's userinfo claims at login (`userinfo` answers them). */
  userInfo: Record<string, unknown>;
  upstreamIssuer: string;
  /** The SSO grant this session came from or created. */
  ssoId: string | null;
  createdAt: Date;
  heartbeatBefore: Date;
  /** End of life (`session_eol`); TTL-indexed. */
  expiresAt: Date;
  closedAt: Date | null;
}

/** A Directory single sign-on grant behind the `directory_sso` cookie; `_id` is the SHA-256 of the cookie value. */
export interface DirectorySsoDoc {
  _id: string;
  tenantId: string;
  userId: string;
  subInfo: { sub: string; email?: string; name?: string };
  displayName: string;
  userInfo: Record<string, unknown>;
  upstreamIssuer: string;
  createdAt: Date;
  expiresAt: Date;
  revokedAt: Date | null;
}

/** A redirect URL a frontend user registered (registerfrontenduserandredirecturl). */
export interface DirectoryRedirectDoc {
  _id: string; // `${tenantId}|${userId}|${url}`
  tenantId: string;
  userId: string;
  url: string;
  createdAt: Date;
}

/** An application of a tenant's Directory registry (operator API). */
export interface DirectoryApplicationDoc {
  _id: string; // `${tenantId}|${appId}`
  tenantId: string;
  appId: string;
  name: string;
  url: string | null;
  /** Session claims (`access:client` ...) that grant this application. */
  claims: string[];
  /** Third-party scopes (`appclaims`) a session granted this application may carry. */
  scopes: string[];
  /** Final redirect URLs of `authenticate` this application may use. */
  redirectUrls: string[];
  createdAt: Date;
  updatedAt: Date;
}

/**
 * One of a user's LMX borrow slots (identity/directory/borrows.ts): `_id` is `${tenantId}|${userId}|${n}`
 * for n below the per-user limit, so taking a slot is one guarded upsert and the limit holds across instances.
 */
export interface DirectoryBorrowDoc {
  _id: string;
  tenantId: string;
  userId: string;
  /** The session holding the slot, or null when free. */
  sessionId: string | null;
  feature: string;
  server: string;
  checkedOutAt: Date | null;
  /** End of the borrow; a slot past it is free again. */
  borrowedUntil: Date | null;
}

export interface Store {
  db: Db;
  tenants: Collection<TenantDoc>;
  users: Collection<UserDoc>;
  apiKeys: Collection<ApiKeyDoc>;
  signingKeys: Collection<SigningKeyDoc>;
  clients: Collection<ClientDoc>;
  auditLog: Collection<AuditDoc>;
  rateLimits: Collection<RateLimitDoc>;
  outbox: Collection<OutboxDoc>;
  meta: Collection<MetaDoc>;
  coreEvents: Collection<CoreEventDoc>;
  zkimgCommitments: Collection<ZkimgCommitmentDoc>;
  zkimgChallenges: Collection<ZkimgChallengeDoc>;
  loginLockouts: Collection<LoginLockoutDoc>;
  resetCodes: Collection<ResetCodeDoc>;
  accountLinks: Collection<AccountLinkDoc>;
  sessions: Collection<SessionDoc>;
  authRequests: Collection<AuthRequestDoc>;
  loginNonces: Collection<LoginNonceDoc>;
  authorizationCodes: Collection<AuthorizationCodeDoc>;
  refreshTokens: Collection<RefreshTokenDoc>;
  scimGroups: Collection<ScimGroupDoc>;
  passkeyCredentials: Collection<PasskeyCredentialDoc>;
  webauthnChallenges: Collection<WebauthnChallengeDoc>;
  trustedIssuers: Collection<TrustedIssuerDoc>;
  workspaces: Collection<WorkspaceDoc>;
  loginidDevices: Collection<LoginidDeviceDoc>;
  loginidAaguidBlocks: Collection<LoginidAaguidBlockDoc>;
  loginidOtps: Collection<LoginidOtpDoc>;
  loginidClientEvents: Collection<LoginidClientEventDoc>;
  loginidMfaSessions: Collection<LoginidMfaSessionDoc>;
  loginidOidcProviders: Collection<LoginidOidcProviderDoc>;
  loginidOidcLogins: Collection<LoginidOidcLoginDoc>;
  signals: Collection<SignalDoc>;
  directoryUpstreams: Collection<DirectoryUpstreamDoc>;
  directoryLogins: Collection<DirectoryLoginDoc>;
  directoryNativeLogins: Collection<DirectoryNativeLoginDoc>;
  directorySessions: Collection<DirectorySessionDoc>;
  directorySso: Collection<DirectorySsoDoc>;
  directoryRedirects: Collection<DirectoryRedirectDoc>;
  directoryApplications: Collection<DirectoryApplicationDoc>;
  directoryBorrows: Collection<DirectoryBorrowDoc>;
}

export function openStore(db: Db): Store {
  return {
    db,
    tenants: db.collection<TenantDoc>('tenants'),
    users: db.collection<UserDoc>('users'),
    apiKeys: db.collection<ApiKeyDoc>('apiKeys'),
    signingKeys: db.collection<SigningKeyDoc>('signingKeys'),
    clients: db.collection<ClientDoc>('clients'),
    auditLog: db.collection<AuditDoc>('auditLog'),
    rateLimits: db.collection<RateLimitDoc>('rateLimits'),
    outbox: db.collection<OutboxDoc>('outbox'),
    meta: db.collection<MetaDoc>('meta'),
    coreEvents: db.collection<CoreEventDoc>('coreEvents'),
    zkimgCommitments: db.collection<ZkimgCommitmentDoc>('zkimgCommitments'),
    zkimgChallenges: db.collection<ZkimgChallengeDoc>('zkimgChallenges'),
    loginLockouts: db.collection<LoginLockoutDoc>('loginLockouts'),
    resetCodes: db.collection<ResetCodeDoc>('resetCodes'),
    accountLinks: db.collection<AccountLinkDoc>('accountLinks'),
    sessions: db.collection<SessionDoc>('sessions'),
    authRequests: db.collection<AuthRequestDoc>('authRequests'),
    loginNonces: db.collection<LoginNonceDoc>('loginNonces'),
    authorizationCodes: db.collection<AuthorizationCodeDoc>('authorizationCodes'),
    refreshTokens: db.collection<RefreshTokenDoc>('refreshTokens'),
    scimGroups: db.collection<ScimGroupDoc>('scimGroups'),
    passkeyCredentials: db.collection<PasskeyCredentialDoc>('passkeyCredentials'),
    webauthnChallenges: db.collection<WebauthnChallengeDoc>('webauthnChallenges'),
    trustedIssuers: db.collection<TrustedIssuerDoc>('trustedIssuers'),
    workspaces: db.collection<WorkspaceDoc>('workspaces'),
    loginidDevices: db.collection<LoginidDeviceDoc>('loginidDevices'),
    loginidAaguidBlocks: db.collection<LoginidAaguidBlockDoc>('loginidAaguidBlocks'),
    loginidOtps: db.collection<LoginidOtpDoc>('loginidOtps'),
    loginidClientEvents: db.collection<LoginidClientEventDoc>('loginidClientEvents'),
    loginidMfaSessions: db.collection<LoginidMfaSessionDoc>('loginidMfaSessions'),
    loginidOidcProviders: db.collection<LoginidOidcProviderDoc>('loginidOidcProviders'),
    loginidOidcLogins: db.collection<LoginidOidcLoginDoc>('loginidOidcLogins'),
    signals: db.collection<SignalDoc>('signals'),
    directoryUpstreams: db.collection<DirectoryUpstreamDoc>('directoryUpstreams'),
    directoryLogins: db.collection<DirectoryLoginDoc>('directoryLogins'),
    directoryNativeLogins: db.collection<DirectoryNativeLoginDoc>('directoryNativeLogins'),
    directorySessions: db.collection<DirectorySessionDoc>('directorySessions'),
    directorySso: db.collection<DirectorySsoDoc>('directorySso'),
    directoryRedirects: db.collection<DirectoryRedirectDoc>('directoryRedirects'),
    directoryApplications: db.collection<DirectoryApplicationDoc>('directoryApplications'),
    directoryBorrows: db.collection<DirectoryBorrowDoc>('directoryBorrows'),
  };
}

/** TTL index on `expiresAt`: MongoDB removes a record once its `expiresAt` has passed. */
const TTL: IndexDescription = { key: { expiresAt: 1 }, name: 'ttl_expiresAt', expireAfterSeconds: 0 };

type CollectionName = Exclude<keyof Store, 'db'>;

/** Every index of every collection. Names are explicit so that a changed definition is visible. */
export const INDEXES: Record<CollectionName, IndexDescription[]> = {
  tenants: [],
  scimGroups: [
    { key: { tenantId: 1, displayNameKey: 1 }, name: 'tenant_displayName', unique: true },
    // A user's groups (the User `groups` attribute) and membership clean-up when a user is deleted.
    { key: { tenantId: 1, 'members.value': 1 }, name: 'tenant_member' },
    { key: { tenantId: 1, createdAt: 1 }, name: 'tenant_created' },
  ],
  users: [
    // Usernames are unique per tenant, compared case-insensitively through `usernameKey`.
    { key: { tenantId: 1, usernameKey: 1 }, name: 'tenant_username', unique: true },
    { key: { tenantId: 1, emailKey: 1 }, name: 'tenant_email' },
    // One address's accounts across tenants (the token-exchange API's orgs of a user).
    { key: { emailKey: 1 }, name: 'email' },
    { key: { tenantId: 1, createdAt: 1 }, name: 'tenant_created' },
    // SCIM externalId lookups; partial so users without one are not indexed.
    {
      key: { tenantId: 1, externalId: 1 },
      name: 'tenant_externalId',
      partialFilterExpression: { externalId: { $type: 'string' } },
    },
  ],
  apiKeys: [
    { key: { tenantId: 1, ownerId: 1 }, name: 'tenant_owner' },
    // Listings page newest first through a tenant's keys (api-keys.ts `page`).
    { key: { tenantId: 1, createdAt: -1 }, name: 'tenant_created' },
    // Expired keys stay listable for a while; the record goes at `purgeAt`, not at `expiresAt`.
    { key: { purgeAt: 1 }, name: 'ttl_purgeAt', expireAfterSeconds: 0 },
  ],
  signingKeys: [
    // At most one active key per issuer and algorithm, across every gateway instance: the loser of
    // a concurrent first-use creation gets error 11000 and adopts the winner's key.
    {
      key: { issuer: 1, alg: 1 },
      name: 'one_active_per_issuer_alg',
      unique: true,
      partialFilterExpression: { status: 'active' },
    },
    { key: { issuer: 1 }, name: 'issuer' },
    TTL,
  ],
  clients: [
    { key: { tenantId: 1, clientId: 1 }, name: 'tenant_clientId', unique: true },
  ],
  auditLog: [
    { key: { tenantId: 1, at: -1 }, name: 'tenant_at' },
    TTL,
  ],
  rateLimits: [
    { key: { key: 1 }, name: 'key' },
    TTL,
  ],
  outbox: [
    { key: { createdAt: -1 }, name: 'created' },
    { key: { to: 1, createdAt: -1 }, name: 'to_created' },
    TTL,
  ],
  meta: [],
  coreEvents: [
    { key: { at: -1 }, name: 'at' },
  ],
  zkimgCommitments: [],
  zkimgChallenges: [TTL],
  loginLockouts: [
    // blocked-ips / blocked-users: a tenant's current blocks of one kind, by time.
    { key: { tenantId: 1, kind: 1, blockedUntil: 1 }, name: 'tenant_kind_blockedUntil' },
    TTL,
  ],
  resetCodes: [
    { key: { usernameKey: 1, expiresAt: 1 }, name: 'usernameKey_expires' },
    TTL,
  ],
  accountLinks: [
    // A new invitation kills the user's earlier ones with one updateMany.
    { key: { tenantId: 1, userId: 1, purpose: 1 }, name: 'tenant_user_purpose' },
    TTL,
  ],
  sessions: [
    { key: { tenantId: 1, userId: 1, createdAt: -1 }, name: 'tenant_user_created' },
    TTL,
  ],
  authRequests: [TTL],
  loginNonces: [
    { key: { tenantId: 1, authReqId: 1, userId: 1 }, name: 'tenant_authreq_user' },
    TTL,
  ],
  authorizationCodes: [TTL],
  refreshTokens: [
    // A family is found by its key's hash (`_id`). Reuse or a replayed code revokes a family, and
    // ending a session its families, with one updateMany each (both layouts).
    { key: { familyId: 1 }, name: 'family' },
    { key: { sessionId: 1 }, name: 'session' },
    // Disabling or deleting a user revokes all of the user's tokens with one updateMany (identity/sessions.ts).
    { key: { tenantId: 1, userId: 1 }, name: 'tenant_user' },
    TTL,
  ],
  passkeyCredentials: [
    // A credential id names one credential of a tenant: the assertion's id finds it (WebAuthn §7.2 step 5).
    { key: { tenantId: 1, credentialId: 1 }, name: 'tenant_credentialId', unique: true },
    { key: { tenantId: 1, userId: 1, createdAt: 1 }, name: 'tenant_user_created' },
  ],
  webauthnChallenges: [
    { key: { session: 1 }, name: 'session' },
    TTL,
  ],
  trustedIssuers: [],
  workspaces: [
    { key: { tenantId: 1, createdAt: 1 }, name: 'tenant_created' },
    // A resource is registered in one workspace at most, across every org.
    { key: { resources: 1 }, name: 'one_workspace_per_resource', unique: true, partialFilterExpression: { resources: { $exists: true } } },
  ],
  loginidDevices: [
    // Users of a device (mgmt/device/{deviceId}) and a user's devices (mgmt/user).
    { key: { tenantId: 1, userIds: 1 }, name: 'tenant_user' },
  ],
  loginidAaguidBlocks: [{ key: { tenantId: 1, aaguid: 1 }, name: 'tenant_aaguid' }],
  loginidOtps: [{ key: { tenantId: 1, userId: 1, purpose: 1 }, name: 'tenant_user_purpose' }, TTL],
  loginidClientEvents: [{ key: { tenantId: 1, createdAt: -1 }, name: 'tenant_created' }, TTL],
  // Flows are found by their id (the session string's first part); expired ones go.
  loginidMfaSessions: [TTL],
  // an application's providers, for the operator's list
  loginidOidcProviders: [{ key: { tenantId: 1, providerId: 1 }, name: 'tenant_provider' }],
  loginidOidcLogins: [TTL],
  // The hub's one query per tick: `seq > watermark`, in seq order.
  signals: [{ key: { seq: 1 }, name: 'seq', unique: true }, TTL],
  directoryUpstreams: [],
  directoryLogins: [TTL],
  directoryNativeLogins: [TTL],
  directorySessions: [
    // close with forced consent and user cut-off act on a user's sessions
    { key: { tenantId: 1, userId: 1 }, name: 'tenant_user' },
    TTL,
  ],
  directorySso: [{ key: { tenantId: 1, userId: 1 }, name: 'tenant_user' }, TTL],
  // authenticate accepts a URL some frontend user of the tenant registered
  directoryRedirects: [{ key: { tenantId: 1, url: 1 }, name: 'tenant_url' }],
  directoryApplications: [
    { key: { tenantId: 1, appId: 1 }, name: 'tenant_app', unique: true },
    { key: { tenantId: 1, redirectUrls: 1 }, name: 'tenant_redirect' },
  ],
  directoryBorrows: [{ key: { tenantId: 1, sessionId: 1 }, name: 'tenant_session' }],
};

/** Indexes an earlier version declared and this one replaced: dropped at start-up when present. */
const OBSOLETE_INDEXES: Partial<Record<CollectionName, string[]>> = {
  // API keys were removed at expiry; they now stay listable until `purgeAt`.
  apiKeys: ['ttl_expiresAt'],
};

async function dropObsoleteIndexes(store: Store): Promise<void> {
  for (const [name, obsolete] of Object.entries(OBSOLETE_INDEXES) as [CollectionName, string[]][]) {
    const present = new Set((await store[name].listIndexes().toArray().catch(() => [])).map((index) => String(index.name)));
    for (const index of obsolete) if (present.has(index)) await store[name].dropIndex(index);
  }
}

/** Creates every declared index; idempotent, so each instance runs it at start-up. */
export async function ensureIndexes(store: Store): Promise<void> {
  await dropObsoleteIndexes(store);
  for (const [name, indexes] of Object.entries(INDEXES) as [CollectionName, IndexDescription[]][]) {
    if (indexes.length === 0) continue;
    await store[name].createIndexes(indexes);
  }
}
