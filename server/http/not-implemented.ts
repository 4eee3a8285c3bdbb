/**
 * The explicit placeholder for an operation no issue has implemented yet. Every API's handler map
 * names all its operations (a missing one is a compile error); those bound to `notImplemented`
 * answer 501 in the API's error shape and are counted by `npm run coverage:ops`.
 */
import { GatewayError } from './errors.ts';

const MARK = Symbol.for('gateway.notImplemented');

export const notImplemented = Object.assign(
  async (): Promise<never> => {
    throw new GatewayError('not_implemented', 'This operation is not implemented yet');
  },
  { [MARK]: true },
);

export function isImplemented(handler: unknown): boolean {
  return typeof handler === 'function' && !(handler as unknown as Record<symbol, unknown>)[MARK];
}
