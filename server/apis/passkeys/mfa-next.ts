/**
 * The `MfaNext` answer of mfa/begin and mfa/payload: the actions the flow offers (chosen by the
 * application's policy, identity/loginid/mfa-policy.ts), each with what the client needs for it,
 * and the session string of the next step.
 * - `passkey`: `assertionOptions`, the WebAuthn request options (JSON) of a ceremony of the core
 *   for the user's passkeys. With a payload, the ceremony is a transaction whose challenge commits
 *   to the SHA-256 of `["mfa", payload, flow id]` (tx-commitment.ts, webauthn/transaction-challenge.ts),
 *   so the authenticator's signature covers the payload the user confirms (mfa/passkey/tx);
 *   without one, a plain authentication (mfa/passkey/auth).
 * - `passkey:reg`: `registrationOptions`, the WebAuthn creation options (JSON) for the new user.
 * - `otp:email` / `otp:sms`: one option per address, masked, whose value is an opaque id for
 *   mfa/otp/request.
 * - `external`: no option; mfa/third-party/verify with a token of mgmt/grant/external-auth.
 * Options are made anew whenever the payload changes.
 */
import type { components } from '../../../generated/passkeys/schema.ts';
import type { LoginidMfaSessionDoc, TenantDoc } from '../../store/collections.ts';
import { relyingPartyOfApp } from '../../identity/loginid/apps.ts';
import { maskEmail, maskPhone } from '../../identity/loginid/mfa-policy.ts';
import { txHashOf } from '../../identity/loginid/tx-commitment.ts';
import { authenticationOptions } from '../../identity/webauthn/authentication.ts';
import { registrationOptions } from '../../identity/webauthn/registration.ts';
import type { ApiContext } from '../types.ts';
import { toCreationOptions, toRequestOptions } from './webauthn-json.ts';

type S = components['schemas'];

/** What a passkey of this flow must sign over, with a payload: the commitment of tx-commitment.ts. */
export function payloadCommitment(flowId: string, payload: string): string {
  return txHashOf({ txType: 'mfa', txPayload: payload, nonce: flowId });
}

/** The pending WebAuthn ceremony of the flow's passkey action, if it offers one. */
export async function ceremonyOf(
  context: ApiContext,
  tenant: TenantDoc,
  flow: Pick<LoginidMfaSessionDoc, '_id' | 'actions' | 'userId' | 'newUser' | 'payload'>,
): Promise<LoginidMfaSessionDoc['ceremony']> {
  const { store, config } = context.services;
  const rp = relyingPartyOfApp(tenant, config.publicUrl);
  if (flow.actions.includes('passkey')) {
    const { options, session } = await authenticationOptions(store, {
      rp,
      tenantId: tenant._id,
      byUsername: true,
      userId: flow.userId,
      userVerification: 'required',
      transaction: flow.payload ? { id: flow._id, hash: payloadCommitment(flow._id, flow.payload) } : null,
    });
    return { purpose: flow.payload ? 'tx' : 'auth', challenge: options.challenge, ceremonySession: session, options: JSON.stringify(toRequestOptions(options)) };
  }
  if (flow.actions.includes('passkey:reg') && flow.newUser) {
    const { options, session } = await registrationOptions(store, {
      rp,
      rpName: rp.name,
      tenantId: tenant._id,
      user: { id: flow.userId, name: flow.newUser.username, displayName: flow.newUser.displayName, exists: false },
      userVerification: 'required',
    });
    return { purpose: 'reg', challenge: options.challenge, ceremonySession: session, options: JSON.stringify(toCreationOptions(options)) };
  }
  return null;
}

function actionOf(flow: LoginidMfaSessionDoc, name: LoginidMfaSessionDoc['actions'][number]): S['MfaAction'] {
  switch (name) {
    case 'passkey':
      return {
        action: {
          name,
          label: 'Passkey',
          desc: flow.payload ? 'Confirm the payload with a passkey (mfa/passkey/tx).' : 'Sign in with a passkey (mfa/passkey/auth).',
        },
        options: [{ name: 'assertionOptions', value: flow.ceremony?.options ?? '' }],
      };
    case 'passkey:reg':
      return {
        action: { name, label: 'Create a passkey', desc: 'Create a passkey for this new account (mfa/passkey/reg).' },
        options: [{ name: 'registrationOptions', value: flow.ceremony?.options ?? '' }],
      };
    case 'otp:email':
      return {
        action: { name, label: 'OTP via Email', desc: 'OTP will be sent to one of the email addresses provided by the user.' },
        options: flow.targets.filter((t) => t.channel === 'email').map((t, i) => ({ name: i === 0 ? 'email:primary' : `email:${i + 1}`, label: maskEmail(t.address), value: t.id })),
      };
    case 'otp:sms':
      return {
        action: { name, label: 'OTP via SMS', desc: 'OTP will be sent via SMS to one of the phone numbers provided by the user.' },
        options: flow.targets.filter((t) => t.channel === 'sms').map((t, i) => ({ name: i === 0 ? 'phone:primary' : `phone:${i + 1}`, label: maskPhone(t.address), value: t.id })),
      };
    case 'external':
      return { action: { name, label: 'External Auth', desc: 'A token of the application\'s backend (mgmt/grant/external-auth), for a user a third party authenticated.' } };
  }
}

export function mfaNextOf(flow: LoginidMfaSessionDoc, session: string): S['MfaNext'] {
  return {
    flow: flow.flow,
    msg: 'Additional authentication is required.',
    msgCode: 'additional_auth_required',
    next: flow.actions.map((a) => actionOf(flow, a)),
    session,
  };
}
