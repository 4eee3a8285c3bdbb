/**
 * Resource identifiers `ri.<service>.<instance>.<type>.<locator>` (the Conjure/Palantir form the
 * token-exchange API uses). Ours are built from stored ids only, so they are the same after a
 * restart and on every instance: service `authn` for orgs, users and API keys, `security` for
 * workspaces; instance `gateway`.
 */
export const RID_INSTANCE = 'gateway';

const RID = /^ri\.([a-z][a-z0-9-]*)\.((?:[a-z0-9][a-z0-9-]*)?)\.([a-z][a-z0-9-]*)\.([a-zA-Z0-9_.-]+)$/;

export interface ParsedRid {
  service: string;
  instance: string;
  type: string;
  locator: string;
}

export function parseRid(rid: string): ParsedRid | null {
  const m = RID.exec(rid);
  return m === null ? null : { service: m[1], instance: m[2], type: m[3], locator: m[4] };
}

const make = (service: string, type: string) => (locator: string) => `ri.${service}.${RID_INSTANCE}.${type}.${locator}`;

export const rids = {
  org: make('authn', 'organization'),
  user: make('authn', 'user'),
  apiKey: make('authn', 'api-key'),
  workspace: make('security', 'workspace'),
};

/** The locator of `rid` when it is one of ours of that kind (`rids.org` ...), else null. */
export function locatorOf(kind: keyof typeof rids, rid: string): string | null {
  const parsed = parseRid(rid);
  if (parsed === null) return null;
  return rids[kind](parsed.locator) === rid ? parsed.locator : null;
}
