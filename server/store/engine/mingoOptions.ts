/**
 * Options for every mingo call: scripts off ($where, $function, $accumulator are outside the
 * subset and must fail loudly), strict MongoDB compatibility on, and mingo's operators with the
 * engine's own in place of those whose answers differ from MongoDB's (queryOperators.ts: the
 * query and the aggregation `$type`).
 *
 * mingo's top-level helpers merge a caller's context under their own, so an operator cannot be
 * replaced through them: the engine uses the base classes (mingo/query, mingo/aggregator,
 * mingo/updater), which take this context as it is.
 */
import { Context, evalExpr } from 'mingo/core';
import * as accumulatorOperators from 'mingo/operators/accumulator';
import * as expressionOperators from 'mingo/operators/expression';
import * as pipelineOperators from 'mingo/operators/pipeline';
import * as projectionOperators from 'mingo/operators/projection';
import * as queryOperators from 'mingo/operators/query';
import * as windowOperators from 'mingo/operators/window';
import type { Options } from 'mingo/types';
import { onNumericView } from './numbers.ts';
import { $type, typeAliasOf } from './queryOperators.ts';

const CONTEXT = Context.init({
  accumulator: accumulatorOperators,
  expression: { ...expressionOperators, $type: (obj: unknown, expr: unknown, options: Options) => typeAliasOf(evalExpr(obj as never, expr as never, options)) } as never,
  pipeline: pipelineOperators,
  projection: projectionOperators,
  query: {
    ...queryOperators,
    $type,
    ...Object.fromEntries((['$eq', '$ne', '$gt', '$gte', '$lt', '$lte', '$in', '$nin'] as const).map((op) => [op, onNumericView(queryOperators[op] as never)])),
  } as never,
  window: windowOperators,
} as never);

export const QUERY_OPTIONS: Partial<Options> = { scriptEnabled: false, useStrictMode: true, context: CONTEXT };
