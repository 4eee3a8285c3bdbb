/** The embedded MongoDB engine: start it on loopback, or use the Engine class in process. */
export { startEmbeddedMongo, type EmbeddedMongo, type EmbeddedMongoOptions } from './server.ts';
export { Engine, type EngineOptions } from './engine.ts';
export type { JournalLogger } from './journal.ts';
