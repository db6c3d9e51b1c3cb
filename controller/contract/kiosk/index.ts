/** The kiosk contract: the point's local HTTP routes and live messages (see ../README.md). */
export * from './common.ts';
export * from './snapshot.ts';
export * from './routes.ts';
export * from './live.ts';
export * from './client.ts';
export * from './lockers.ts';
export * from './checkout.ts';
export * from './service.ts';
