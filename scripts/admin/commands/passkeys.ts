/**
 * The WebAuthn settings of a tenant's passkeys on the operator API's Passkeys settings of an
 * application (a Passkeys application is a tenant): allowed origins, RP ID and name, and the
 * hosts that name the tenant. Whether the login page offers passkeys at all is the tenant's
 * `tenants update --passkeys`.
 */
import type { components } from '../../../generated/gateway/schema.ts';
import { optionList, optionString, type Command } from '../cli.ts';
import { clientsFor, unwrap } from '../connection.ts';
import { fields } from '../format.ts';

type App = components['schemas']['PasskeysApp'];

const appOutput = (a: App) => ({
  json: a,
  text: fields([
    ['tenant', a.appId],
    ['RP ID', a.rpId],
    ['RP name', a.rpName],
    ['origins', a.allowedOrigins],
    ['hosts', a.hosts],
  ]),
});

export const passkeyCommands: Command[] = [
  {
    name: 'passkeys get',
    summary: "show a tenant's passkey (WebAuthn) settings",
    args: ['<tenant>'],
    async run(inv) {
      const { gateway } = clientsFor(inv);
      return appOutput(unwrap(await gateway.GET('/passkeys/apps/{appId}', { params: { path: { appId: inv.args[0]! } } }), `passkey settings of ${inv.args[0]}`));
    },
  },
  {
    name: 'passkeys set',
    summary: "replace a tenant's passkey (WebAuthn) settings (needs a platform admin key)",
    args: ['<tenant>'],
    options: {
      origin: { type: 'string', multiple: true, valueName: 'origin', description: 'an origin browsers run WebAuthn from, e.g. https://login.example.com' },
      'rp-id': { type: 'string', valueName: 'domain', description: 'the RP ID: the host of every origin or a registrable suffix of it' },
      'rp-name': { type: 'string', valueName: 'name', description: 'the name authenticators show' },
      host: { type: 'string', multiple: true, valueName: 'host', description: 'a host that names this tenant for calls without an application id' },
    },
    details: ['The settings are replaced: a setting not given returns to its default (the gateway origin, the host of PUBLIC_URL, the tenant name).'],
    async run(inv) {
      const { gateway } = clientsFor(inv);
      const body = {
        ...(optionList(inv, 'origin') ? { allowedOrigins: optionList(inv, 'origin') } : {}),
        ...(optionString(inv, 'rp-id') !== undefined ? { rpId: optionString(inv, 'rp-id') } : {}),
        ...(optionString(inv, 'rp-name') !== undefined ? { rpName: optionString(inv, 'rp-name') } : {}),
        ...(optionList(inv, 'host') ? { hosts: optionList(inv, 'host') } : {}),
      };
      return appOutput(unwrap(await gateway.PUT('/passkeys/apps/{appId}', { params: { path: { appId: inv.args[0]! } }, body }), `passkey settings of ${inv.args[0]}`));
    },
  },
];
