export * from './headers';
export * from './trace-event';
export * from './axis-api';
export * from './trust-notification';
export * from './node-heartbeat';
