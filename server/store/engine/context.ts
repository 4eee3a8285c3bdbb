/**
 * What a command handler may use of the engine. Handlers are synchronous: a command runs to
 * completion without yielding, which makes each single-document update atomic, as in MongoDB.
 */
import type { Collection } from './collection.ts';
import type { CursorStore } from './cursors.ts';
import type { Doc } from './values.ts';

export interface EngineContext {
  readonly cursors: CursorStore;
  collection(db: string, name: string): Collection | undefined;
  /** Returns the collection, creating (and journaling) it when absent. */
  ensureCollection(db: string, name: string): { coll: Collection; created: boolean };
  collections(db: string): Collection[];
  databases(): string[];
  dropCollection(db: string, name: string): Collection | undefined;
  dropDatabase(db: string): void;
}

export interface CommandRequest {
  db: string;
  body: Doc;
  connectionId: number;
}

export type CommandHandler = (ctx: EngineContext, req: CommandRequest) => Doc;
