/** What every handler reaches through `context.services`. */
import type { Db } from 'mongodb';
import type { Logger } from 'pino';
import type { GatewayConfig } from './config.ts';
import type { Store } from './store/collections.ts';
import type { IdentityCore } from './identity/index.ts';
import type { GatewayMetrics } from './ops/metrics.ts';
import type { GatewayCrypto } from './crypto.ts';

export interface GatewayServices {
  config: GatewayConfig;
  log: Logger;
  db: Db;
  store: Store;
  identity: IdentityCore;
  crypto: GatewayCrypto;
  metrics: GatewayMetrics;
  /** aborted when the gateway starts shutting down */
  shutdownSignal: AbortSignal;
}
