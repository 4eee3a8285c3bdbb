/**
 * Options for every mingo call: scripts off ($where, $function, $accumulator are outside the
 * subset and must fail loudly), strict MongoDB compatibility on.
 */
import type { Options } from 'mingo/types';

export const QUERY_OPTIONS: Partial<Options> = { scriptEnabled: false, useStrictMode: true };
