import type { INestApplication, LoggerService, LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AxisModule, AxisModuleOptions } from './axis.module';
import type { AxisConfig } from './config/axis-config';
import { configureAxisApp } from './http/configure-app';

export interface CreateAxisAppOptions extends AxisModuleOptions {
  logger?: LoggerService | LogLevel[] | false;
}

/** The axis, configured and initialised (CA loaded, migrations run, topology declared), not yet listening. */
export async function createAxisApp(
  config: AxisConfig,
  options: CreateAxisAppOptions = {},
): Promise<INestApplication> {
  const app = await NestFactory.create(AxisModule.forRoot(config, { bus: options.bus }), {
    logger: options.logger,
    abortOnError: false,
  });
  configureAxisApp(app);
  try {
    await app.init();
  } catch (error) {
    // Whatever did start (pool, broker connection) must not keep the process alive.
    await app.close().catch(() => undefined);
    throw error;
  }
  return app;
}
