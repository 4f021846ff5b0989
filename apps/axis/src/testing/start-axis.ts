import type { INestApplication } from '@nestjs/common';
import { createAxisApp, CreateAxisAppOptions } from '../axis-app';
import type { AxisConfig } from '../config/axis-config';

export interface RunningAxis {
  app: INestApplication;
  /** http://host:port, without a trailing slash. */
  url: string;
  close(): Promise<void>;
}

/**
 * The axis as its own Nest app in this process, listening on `config.host` (port 0: any free
 * one). Without `options.bus` it connects to `config.amqpUrl` itself and closes that connection
 * in close(); a bus passed in stays the caller's to close. The database must exist (see
 * createTestDatabase); migrations run at start.
 */
export async function startAxis(
  config: AxisConfig,
  options: CreateAxisAppOptions = {},
): Promise<RunningAxis> {
  const app = await createAxisApp(config, { logger: ['error', 'warn'], ...options });
  try {
    await app.listen(config.port, config.host);
  } catch (error) {
    await app.close();
    throw error;
  }
  const url = (await app.getUrl()).replace('[::1]', 'localhost').replace(/\/$/, '');
  let closing: Promise<void> | undefined;
  return { app, url, close: () => (closing ??= app.close()) };
}
