export * from './headers';
export * from './trace-event';
export * from './axis-api';
