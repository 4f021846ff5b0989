import { ConfigError } from '@lienthong/common';
import { createAxisApp } from './axis-app';
import { AxisConfig, loadAxisConfig } from './config/axis-config';

function readConfig(): AxisConfig {
  try {
    return loadAxisConfig(process.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    for (const problem of error.problems) process.stderr.write(`axis: ${problem}\n`);
    process.exit(1);
  }
}

async function bootstrap(): Promise<void> {
  const config = readConfig();
  const app = await createAxisApp(config);
  app.enableShutdownHooks();
  await app.listen(config.port, config.host);
}

bootstrap().catch((error: unknown) => {
  process.stderr.write(
    `axis: cannot start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
