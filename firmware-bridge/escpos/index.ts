export * from './commands.ts';
export * from './cp858.ts';
export * from './status.ts';
export * from './encoder.ts';
export * from './printer.ts';
