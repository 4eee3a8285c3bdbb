/**
 * The five specs the gateway serves, and the names codegen gives their generated modules and clients.
 * Adding an API means adding a row here and a spec in specs/.
 */
export interface ApiEntry {
  /** folder under generated/ and file under clients/ */
  name: string;
  /** spec file under specs/ */
  spec: string;
  /** exported factory in clients/<name>.ts */
  clientFactory: string;
}

export const APIS: readonly ApiEntry[] = [
  { name: 'directory-session', spec: 'directory-session.yaml', clientFactory: 'createDirectorySessionClient' },
  { name: 'secrets-vault', spec: 'secrets-vault.yaml', clientFactory: 'createVaultClient' },
  { name: 'passkeys', spec: 'passkeys.yaml', clientFactory: 'createPasskeysClient' },
  { name: 'token-exchange', spec: 'token-exchange.yaml', clientFactory: 'createTokenExchangeClient' },
  { name: 'gateway', spec: 'gateway.yaml', clientFactory: 'createGatewayClient' },
];
