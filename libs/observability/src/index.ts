export * from './metrics/exchange-metrics';
export * from './metrics/prometheus-exchange-metrics';
export * from './metrics/metrics.controller';
export * from './logging/log-context';
export * from './logging/app-logger';
export * from './logging/http-logging';
export * from './health/readiness';
export * from './observability.module';
