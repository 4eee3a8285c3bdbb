/** The admin CLI's one-line description, the title of `npm run admin -- --help`. */
export const TITLE = 'Operator CLI of the identity gateway: tenants, passkey settings, clients, users, API keys, lockout blocks, crypto core.';
