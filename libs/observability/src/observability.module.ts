import { DynamicModule, Inject, MiddlewareConsumer, Module, NestModule, RequestMethod } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { LoggerModule } from 'nestjs-pino';
import type { DestinationStream, Logger } from 'pino';
import { AppLoggerOptions, createAppLogger, LogLevelName, PinoNestLogger } from './logging/app-logger';
import { httpLoggingOptions, logContextMiddleware } from './logging/http-logging';
import { ExchangeMetrics } from './metrics/exchange-metrics';
import { MetricsController } from './metrics/metrics.controller';
import { PrometheusExchangeMetrics, PrometheusMetricsOptions } from './metrics/prometheus-exchange-metrics';

const ALL_ROUTES = [{ path: '{*path}', method: RequestMethod.ALL }];

/** DI token of the app's {@link Observability}. */
export const OBSERVABILITY = Symbol('Observability');

export interface ObservabilityOptions {
  /** `axis`, `node`, `sandbox`... on every log line. */
  app: string;
  level?: LogLevelName;
  /** More fields on every log line, e.g. `{ node: 'node-vpcp' }`. */
  bindings?: Record<string, string>;
  destination?: DestinationStream;
  metrics?: PrometheusMetricsOptions;
}

/** One app's logger and metrics registry, made before the Nest app so that it can log its own start. */
export interface Observability {
  logger: Logger;
  /** For `NestFactory.create(..., { logger })`. */
  nestLogger: PinoNestLogger;
  metrics: PrometheusExchangeMetrics;
}

export function createObservability(options: ObservabilityOptions): Observability {
  const loggerOptions: AppLoggerOptions = {
    app: options.app,
    ...(options.level ? { level: options.level } : {}),
    ...(options.bindings ? { bindings: options.bindings } : {}),
    ...(options.destination ? { destination: options.destination } : {}),
  };
  const logger = createAppLogger(loggerOptions);
  return {
    logger,
    nestLogger: new PinoNestLogger(logger),
    metrics: new PrometheusExchangeMetrics(options.metrics),
  };
}

/**
 * Mount it in an app (axis, node, sandbox) with the app's {@link Observability}: `GET /metrics`,
 * the {@link ExchangeMetrics} port for services, request logs (nestjs-pino / pino-http) with a
 * log context per request, and terminus's HealthCheckService for the app's own health controller.
 * The app excludes `metrics` from a global prefix, as it does the health routes.
 */
@Module({})
export class ObservabilityModule implements NestModule {
  static forRoot(observability: Observability): DynamicModule {
    return {
      module: ObservabilityModule,
      global: true,
      imports: [
        LoggerModule.forRoot({ pinoHttp: httpLoggingOptions(observability.logger), forRoutes: ALL_ROUTES }),
        // Readiness answers say what is down; a failing probe is not an error of this process.
        TerminusModule.forRoot({ logger: false }),
      ],
      controllers: [MetricsController],
      providers: [
        { provide: OBSERVABILITY, useValue: observability },
        { provide: PrometheusExchangeMetrics, useValue: observability.metrics },
        { provide: ExchangeMetrics, useValue: observability.metrics },
      ],
      exports: [OBSERVABILITY, ExchangeMetrics, PrometheusExchangeMetrics, TerminusModule],
    };
  }

  constructor(@Inject(OBSERVABILITY) private readonly observability: Observability) {}

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(logContextMiddleware(this.observability.logger)).forRoutes(...ALL_ROUTES);
  }
}
