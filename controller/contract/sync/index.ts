export * from './topics.ts';
export * from './schemas.ts';
export * from './decode.ts';
