/**
 * Which e-mail addresses may register: each org (tenant) allows whole domains and single
 * addresses, kept in the tenant's `settings.tokenExchange` section. An address is allowed when
 * any org allows it (the registration hook names no org). Domains match exactly, case-insensitively
 * (`example.com` does not allow `a@sub.example.com`); so do addresses. Anything that is not an
 * address is not allowed.
 */
import type { Store, TenantDoc } from '../../store/collections.ts';
import { IdentityError } from '../errors.ts';
import { emailFrom } from '../federation/verify-federated-token.ts';
import { orgSetting, setOrgSettings, SETTINGS_SECTION } from './org-settings.ts';

const MAX_RULES = 1000;
const DOMAIN = /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/;

export interface EmailRules {
  domains: string[];
  addresses: string[];
}

const strings = (value: unknown) => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []);

export function emailRulesOf(tenant: TenantDoc): EmailRules {
  return { domains: strings(orgSetting(tenant, 'domains')), addresses: strings(orgSetting(tenant, 'addresses')) };
}

/** Replaces the org's rules (normalised to lower case, without repeats). */
export async function setEmailRules(store: Store, tenantId: string, rules: EmailRules, now: Date): Promise<EmailRules> {
  const domains = [...new Set(rules.domains.map((d) => d.trim().toLowerCase()))];
  const addresses = [...new Set(rules.addresses.map((a) => a.trim().toLowerCase()))];
  if (domains.length + addresses.length > MAX_RULES) throw new IdentityError('request.invalid', `at most ${MAX_RULES} rules per org`);
  const badDomain = domains.find((d) => !DOMAIN.test(d));
  if (badDomain !== undefined) throw new IdentityError('request.invalid', `not a domain name: ${badDomain}`);
  const badAddress = addresses.find((a) => emailFrom(a) === null);
  if (badAddress !== undefined) throw new IdentityError('request.invalid', `not an e-mail address: ${badAddress}`);
  await setOrgSettings(store, tenantId, { domains, addresses }, now);
  return { domains, addresses };
}

export async function isEmailAllowed(store: Store, value: string): Promise<boolean> {
  const email = emailFrom(value)?.toLowerCase();
  if (email === undefined) return false;
  const domain = email.slice(email.lastIndexOf('@') + 1);
  const match = await store.tenants.findOne(
    { $or: [{ [`settings.${SETTINGS_SECTION}.addresses`]: email }, { [`settings.${SETTINGS_SECTION}.domains`]: domain }] },
    { projection: { _id: 1 } },
  );
  return match !== null;
}
