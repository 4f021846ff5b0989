import { Logger } from '@nestjs/common';
import { ConfigError } from '@lienthong/common';
import { loadNodeConfig, NodeConfig } from './config/node-config';
import { startNodeApp } from './node-app';

async function main(): Promise<void> {
  let config: NodeConfig;
  try {
    config = loadNodeConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    for (const problem of error.problems) process.stderr.write(`${problem}\n`);
    process.exit(1);
  }
  const node = await startNodeApp(config);
  // Through the node's JSON logger, like every other line on stdout.
  new Logger('main').log({ msg: 'node listening', url: node.url, mode: config.mode });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      void node.close().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `lienthong node failed to start: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
