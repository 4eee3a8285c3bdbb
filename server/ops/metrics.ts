/**
 * Prometheus metrics on a registry of the gateway's own (several gateways may share one process
 * in tests): requests by API, operation and status, latency, the crypto core in use, and whether
 * the database answers.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface GatewayMetrics {
  registry: Registry;
  observeRequest(api: string, operationId: string, status: number, seconds: number): void;
  setCore(name: string, version: string, onReference: boolean): void;
  setDatabaseUp(up: boolean): void;
}

export function createMetrics(): GatewayMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'gateway_process_' });
  const requests = new Counter({
    name: 'gateway_http_requests_total',
    help: 'HTTP requests by API, operationId and status',
    labelNames: ['api', 'operation', 'status'] as const,
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'gateway_http_request_duration_seconds',
    help: 'Request latency by API and operationId',
    labelNames: ['api', 'operation'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [registry],
  });
  const core = new Gauge({
    name: 'gateway_crypto_core_info',
    help: 'The crypto core serving verifications (value 1 for the active one)',
    labelNames: ['name', 'version', 'on_reference'] as const,
    registers: [registry],
  });
  const dbUp = new Gauge({ name: 'gateway_database_up', help: '1 when the database answered the last check', registers: [registry] });
  return {
    registry,
    observeRequest(api, operationId, status, seconds) {
      requests.inc({ api, operation: operationId, status: String(status) });
      latency.observe({ api, operation: operationId }, seconds);
    },
    setCore(name, version, onReference) {
      core.reset();
      core.set({ name, version, on_reference: String(onReference) }, 1);
    },
    setDatabaseUp(up) {
      dbUp.set(up ? 1 : 0);
    },
  };
}
