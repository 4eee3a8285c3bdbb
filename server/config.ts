/**
 * Configuration from the environment, read once at start-up. The README's configuration table is
 * this file in prose; keep them together.
 */
export interface GatewayConfig {
  port: number;
  host: string;
  publicUrl: string;
  mongodbUri?: string;
  /** database name on MONGODB_URI (default: the URI's, else `gateway`) */
  mongodbDb?: string;
  dataDir?: string;
  /** the embedded engine's thread: a worker of its own (default) or the gateway's (`inline`) */
  storeThread: 'worker' | 'inline';
  masterKey?: string;
  bootstrapKey?: string;
  coreWasmPath?: string;
  logLevel: string;
  validateResponses: boolean;
  /** request bodies larger than this are refused with 413 in the API's shape */
  bodyLimitBytes: number;
  /** the crypto core upload is the one large body */
  coreUploadLimitBytes: number;
  shutdownGraceMs: number;
  /** the development outbox API (gateway.yaml listOutbox) */
  outboxApi: boolean;
  smtpUrl?: string;
  loginUrl?: string;
  /** requests in flight (long polls excluded) past which new ones are shed with 503 */
  maxInFlight: number;
  /** the Passkeys API's application for calls that name none and whose Host names none */
  passkeysDefaultApp: string;
  /** period of the signal hub's poll while long polls wait (identity/signals.ts) */
  signalPollMs: number;
  directory: DirectorySettings;
}

/** The Directory session API's policy (identity/directory/settings.ts says what each one does). */
export interface DirectorySettings {
  /** `clientmaxidledurationsec`: a session without a heartbeat for this long is gone */
  idleSeconds: number;
  /** a session's whole life (`session_eol`) */
  lifetimeSeconds: number;
  buildRentSeconds: number;
  /** the SSO grant behind the `directory_sso` cookie */
  ssoSeconds: number;
  lmxBorrowSeconds: number;
  lmxFeature: string;
  lmxServer: string;
  /** concurrent LMX borrows per user */
  borrowLimit: number;
}

function int(name: string, value: string | undefined, fallback: number, min: number, max: number): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`${name} must be an integer in [${min}, ${max}], got ${JSON.stringify(value)}`);
  return n;
}

function bool(name: string, value: string | undefined, fallback: boolean): boolean {
  if (value === undefined || value === '') return fallback;
  if (/^(1|true|yes|on)$/i.test(value)) return true;
  if (/^(0|false|no|off)$/i.test(value)) return false;
  throw new Error(`${name} must be a boolean (1/0, true/false), got ${JSON.stringify(value)}`);
}

function oneOf<T extends string>(name: string, value: string | undefined, allowed: readonly T[], fallback: T): T {
  if (value === undefined || value === '') return fallback;
  if (!(allowed as readonly string[]).includes(value)) throw new Error(`${name} must be one of ${allowed.join(', ')}, got ${JSON.stringify(value)}`);
  return value as T;
}

function url(name: string, value: string): string {
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    throw new Error(`${name} must be an absolute URL, got ${JSON.stringify(value)}`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error(`${name} must be http(s)`);
  return value.replace(/\/+$/, '');
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  const port = int('PORT', env.PORT, 8080, 0, 65535);
  const host = env.HOST || '0.0.0.0';
  return {
    port,
    host,
    publicUrl: url('PUBLIC_URL', env.PUBLIC_URL || `http://localhost:${port}`),
    mongodbUri: env.MONGODB_URI || undefined,
    mongodbDb: env.MONGODB_DB || undefined,
    dataDir: env.DATA_DIR || undefined,
    storeThread: oneOf('STORE_THREAD', env.STORE_THREAD, ['worker', 'inline'] as const, 'worker'),
    masterKey: env.GATEWAY_MASTER_KEY || undefined,
    bootstrapKey: env.GATEWAY_BOOTSTRAP_KEY || undefined,
    coreWasmPath: env.CORE_WASM_PATH || undefined,
    logLevel: env.LOG_LEVEL || 'info',
    validateResponses: bool('VALIDATE_RESPONSES', env.VALIDATE_RESPONSES, false),
    bodyLimitBytes: int('BODY_LIMIT_BYTES', env.BODY_LIMIT_BYTES, 1024 * 1024, 1024, 64 * 1024 * 1024),
    coreUploadLimitBytes: int('CORE_UPLOAD_LIMIT_BYTES', env.CORE_UPLOAD_LIMIT_BYTES, 4 * 1024 * 1024, 1024, 64 * 1024 * 1024),
    shutdownGraceMs: int('SHUTDOWN_GRACE_MS', env.SHUTDOWN_GRACE_MS, 10_000, 0, 600_000),
    outboxApi: bool('GATEWAY_OUTBOX', env.GATEWAY_OUTBOX, !env.MONGODB_URI),
    smtpUrl: env.SMTP_URL || undefined,
    loginUrl: env.GATEWAY_LOGIN_URL || undefined,
    maxInFlight: int('MAX_IN_FLIGHT', env.MAX_IN_FLIGHT, 512, 1, 1_000_000),
    passkeysDefaultApp: env.PASSKEYS_DEFAULT_APP || 'default',
    signalPollMs: int('SIGNAL_POLL_MS', env.SIGNAL_POLL_MS, 100, 10, 10_000),
    directory: {
      idleSeconds: int('DIRECTORY_IDLE_SEC', env.DIRECTORY_IDLE_SEC, 900, 30, 86_400),
      lifetimeSeconds: int('DIRECTORY_SESSION_SEC', env.DIRECTORY_SESSION_SEC, 12 * 3600, 60, 30 * 86_400),
      buildRentSeconds: int('DIRECTORY_BUILD_RENT_SEC', env.DIRECTORY_BUILD_RENT_SEC, 3600, 0, 30 * 86_400),
      ssoSeconds: int('DIRECTORY_SSO_SEC', env.DIRECTORY_SSO_SEC, 12 * 3600, 60, 30 * 86_400),
      lmxBorrowSeconds: int('DIRECTORY_LMX_BORROW_SEC', env.DIRECTORY_LMX_BORROW_SEC, 7 * 86_400, 0, 365 * 86_400),
      lmxFeature: env.DIRECTORY_LMX_FEATURE ?? '',
      lmxServer: env.DIRECTORY_LMX_SERVER ?? '',
      borrowLimit: int('DIRECTORY_BORROW_LIMIT', env.DIRECTORY_BORROW_LIMIT, 2, 0, 100),
    },
  };
}
