/**
 * The spec's AccessInfo (when and from where something happened) with the user agent parsed into
 * `user_agent_parsed` by ua-parser-js, in the families-and-flags form of the seed (browser, os,
 * device families; is_mobile / is_tablet / is_pc / is_bot).
 */
import { UAParser } from 'ua-parser-js';
import { isBot } from 'ua-parser-js/bot-detection';
import { Bots } from 'ua-parser-js/extensions';
import type { components } from '../../../generated/secrets-vault/schema.ts';

export type AccessInfo = components['schemas']['AccessInfo'];
export type UserAgentParsed = components['schemas']['UserAgentParsed'];

/** Operating systems of phones and tablets: a device of unknown type on one of them is not a PC. */
const HANDHELD_OS = new Set(['Android', 'iOS', 'iPadOS', 'HarmonyOS', 'KaiOS', 'Windows Phone', 'BlackBerry', 'Tizen', 'Symbian']);

export function parseUserAgent(userAgent: string): UserAgentParsed {
  // With the Bots extension, crawlers and command-line clients get a family name too.
  const result = UAParser(userAgent, Bots);
  const bot = userAgent !== '' && isBot(userAgent);
  const type = result.device.type;
  const isMobile = type === 'mobile' || type === 'wearable';
  const isTablet = type === 'tablet';
  const osName = result.os.name;
  // ua-parser leaves `device.type` empty for desktops; a known desktop OS makes it a PC.
  const isPc = !bot && type === undefined && osName !== undefined && !HANDHELD_OS.has(osName);
  return {
    browser: { family: result.browser.name ?? 'Other', version: result.browser.version ?? '' },
    os: { family: osName ?? 'Other', version: result.os.version ?? '' },
    device: {
      family: result.device.model ?? (isPc ? 'Other' : (type ?? 'Other')),
      brand: result.device.vendor ?? '',
      model: result.device.model ?? '',
    },
    is_mobile: isMobile,
    is_tablet: isTablet,
    is_pc: isPc,
    is_bot: bot,
  };
}

export function accessInfo(at: Date, ip: string | null | undefined, userAgent: string | null | undefined): AccessInfo {
  return {
    at: at.toISOString(),
    ...(ip ? { ip } : {}),
    ...(userAgent != null ? { user_agent: userAgent, user_agent_parsed: parseUserAgent(userAgent) } : {}),
  };
}
