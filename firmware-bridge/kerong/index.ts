export * from './commands.ts';
export * from './codec.ts';
export * from './parser.ts';
export * from './board.ts';
export { createKerongSession, type KerongSessionOptions } from './kerongSession.ts';
