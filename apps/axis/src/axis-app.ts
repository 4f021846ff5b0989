import type { INestApplication, LoggerService, LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { createObservability, pinoLevelOf, withAppLogger } from '@lienthong/observability';
import type { DestinationStream } from 'pino';
import { AxisModule, AxisModuleOptions } from './axis.module';
import type { AxisConfig } from './config/axis-config';
import { configureAxisApp } from './http/configure-app';

export interface CreateAxisAppOptions extends AxisModuleOptions {
  /** Nest's option as tests pass it (`['error']`, `false`): sets the level of the JSON logs. */
  logger?: LoggerService | LogLevel[] | false;
  /** Where the JSON log lines go (default: standard output); tests collect them. */
  logDestination?: DestinationStream;
}

/** The axis, configured and initialised (CA loaded, migrations run, topology declared), not yet listening. */
export async function createAxisApp(
  config: AxisConfig,
  options: CreateAxisAppOptions = {},
): Promise<INestApplication> {
  const observability =
    options.observability ??
    createObservability({
      app: 'axis',
      level: pinoLevelOf(options.logger, config.logLevel),
      ...(options.logDestination ? { destination: options.logDestination } : {}),
    });
  // What the axis starts (broker connection, consumers, timers) logs as the axis, even when other
  // apps share the process (tests, the sandbox).
  const app = await withAppLogger(observability.logger, () =>
    NestFactory.create(AxisModule.forRoot(config, { bus: options.bus, observability }), {
      logger:
        typeof options.logger === 'object' && !Array.isArray(options.logger)
          ? options.logger
          : observability.nestLogger,
      abortOnError: false,
    }),
  );
  configureAxisApp(app);
  try {
    await withAppLogger(observability.logger, () => app.init());
  } catch (error) {
    // Whatever did start (pool, broker connection) must not keep the process alive.
    await app.close().catch(() => undefined);
    throw error;
  }
  return app;
}
