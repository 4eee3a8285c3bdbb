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
  };
}
