/**
 * LoginID applications are tenants (seed 003: `app.id` distinguishes tenants). What the Passkeys API
 * keeps per application, under the tenant's `settings.passkeys`, set by the operator:
 * - `allowedOrigins`: the web origins whose pages may call the API (CORS) and run its WebAuthn
 *   ceremonies (the origin in client data, WebAuthn §7.1 step 9, §7.2 step 13). Default: the
 *   gateway's own origin (PUBLIC_URL).
 * - `rpId`: the RP ID of the application's passkeys (§5.1.3). Default: PUBLIC_URL's host. A browser
 *   accepts an RP ID only when it equals the page's host or is a registrable suffix of it, so every
 *   allowed origin must be on it (checked when set).
 * - `rpName`: shown by authenticators; default the tenant's name.
 * - `hosts`: `Host` values (the application's own base URL) that name it for calls carrying no
 *   application id; a host names one application. Calls whose host names none act in the default
 *   application (PASSKEYS_DEFAULT_APP, default `default`).
 */
import type { Store, TenantDoc } from '../../store/collections.ts';
import type { RelyingParty } from '../webauthn/relying-party.ts';

export interface PasskeysAppSettings {
  allowedOrigins: string[];
  rpId: string;
  rpName: string;
  hosts: string[];
}

type StoredSettings = Partial<PasskeysAppSettings>;

function stored(tenant: TenantDoc): StoredSettings {
  const section = tenant.settings.passkeys;
  return typeof section === 'object' && section !== null ? (section as StoredSettings) : {};
}

export function appSettingsOf(tenant: TenantDoc, publicUrl: string): PasskeysAppSettings {
  const s = stored(tenant);
  const url = new URL(publicUrl);
  return {
    allowedOrigins: s.allowedOrigins?.length ? s.allowedOrigins : [url.origin],
    rpId: s.rpId ?? url.hostname,
    rpName: s.rpName ?? (tenant.name || tenant._id),
    hosts: s.hosts ?? [],
  };
}

export function relyingPartyOfApp(tenant: TenantDoc, publicUrl: string): RelyingParty & { name: string } {
  const s = appSettingsOf(tenant, publicUrl);
  return { id: s.rpId, origin: s.allowedOrigins[0] ?? new URL(publicUrl).origin, origins: s.allowedOrigins, name: s.rpName };
}

/** A browser origin as `scheme://host[:port]`, or null when the value is not a bare https (or localhost http) origin. */
export function canonicalOrigin(value: string): string | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return null;
  }
  if (url.origin === 'null' || `${url.origin}` !== value.replace(/\/$/, '')) return null;
  const local = url.hostname === 'localhost' || url.hostname.endsWith('.localhost') || url.hostname === '127.0.0.1';
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && local)) return null;
  return url.origin;
}

/** §5.1.3: the RP ID must be the origin's host or a registrable suffix of it. */
export function rpIdFitsOrigin(rpId: string, origin: string): boolean {
  const host = new URL(origin).hostname;
  return host === rpId || (host.endsWith(`.${rpId}`) && rpId.includes('.'));
}

export type AppSettingsProblem = { field: string; message: string };

/** Checks and normalises new settings; the problems found, or the settings to store. */
export function checkAppSettings(input: StoredSettings, publicUrl: string): { ok: true; settings: StoredSettings } | { ok: false; problem: AppSettingsProblem } {
  const out: StoredSettings = {};
  if (input.allowedOrigins !== undefined) {
    const origins: string[] = [];
    for (const o of input.allowedOrigins) {
      const c = canonicalOrigin(o);
      if (c === null) return { ok: false, problem: { field: 'allowedOrigins', message: `${o} is not an https origin (or http on localhost) without path` } };
      if (!origins.includes(c)) origins.push(c);
    }
    out.allowedOrigins = origins;
  }
  if (input.rpId !== undefined) {
    const rpId = input.rpId.toLowerCase();
    if (!/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/.test(rpId)) {
      return { ok: false, problem: { field: 'rpId', message: 'must be a domain name' } };
    }
    out.rpId = rpId;
  }
  if (input.rpName !== undefined) out.rpName = input.rpName;
  if (input.hosts !== undefined) out.hosts = [...new Set(input.hosts.map((h) => h.toLowerCase()))];
  const rpId = out.rpId ?? new URL(publicUrl).hostname;
  const origins = out.allowedOrigins ?? [new URL(publicUrl).origin];
  const misfit = origins.find((o) => !rpIdFitsOrigin(rpId, o));
  if (misfit) return { ok: false, problem: { field: 'rpId', message: `${rpId} is not the host of ${misfit} nor a suffix of it: no browser there could use it` } };
  return { ok: true, settings: out };
}

/** The application a request's `Host` names, else the default application; null when neither exists. */
export async function appForHost(store: Store, host: string | undefined, defaultAppId: string): Promise<TenantDoc | null> {
  if (host) {
    const named = await store.tenants.findOne({ 'settings.passkeys.hosts': host.toLowerCase() });
    if (named) return named;
  }
  return store.tenants.findOne({ _id: defaultAppId });
}

/** The application (other than `exceptId`) that already claims one of `hosts`, if any. */
export async function hostOwner(store: Store, hosts: string[], exceptId: string): Promise<string | null> {
  if (hosts.length === 0) return null;
  const other = await store.tenants.findOne({ _id: { $ne: exceptId }, 'settings.passkeys.hosts': { $in: hosts } }, { projection: { _id: 1 } });
  return other?._id ?? null;
}

/**
 * Whether a browser on `origin` may call the Passkeys API (CORS): the gateway's own origin, or an
 * origin some application allows. CORS only decides whether a page may read replies; each
 * ceremony still checks the origin against its own application's list.
 */
export async function originAllowedForSomeApp(store: Store, origin: string, publicUrl: string): Promise<boolean> {
  if (origin === new URL(publicUrl).origin) return true;
  return (await store.tenants.countDocuments({ 'settings.passkeys.allowedOrigins': origin }, { limit: 1 })) > 0;
}
