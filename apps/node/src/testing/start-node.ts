import type { INestApplication } from '@nestjs/common';
import type { MessageBus } from '@lienthong/bus';
import type { NodeConfig } from '../config/node-config';
import { startNodeApp } from '../node-app';
import type { AxisClient } from '../ports/axis-client';
import type { NodeAppOverrides } from '../node-app';

/**
 * A node in this process, listening (PORT 0 picks a free port), for tests: a fake axis through
 * `axisClient`, a bus the test owns through `bus` (else the node connects to AMQP_URL itself).
 */
export function startNode(
  config: NodeConfig,
  overrides: {
    bus?: MessageBus;
    axisClient?: AxisClient;
    /** Default `['error']`: quiet tests. */
    logger?: NodeAppOverrides['logger'];
    logDestination?: NodeAppOverrides['logDestination'];
  } = {},
): Promise<{ app: INestApplication; url: string; close(): Promise<void> }> {
  return startNodeApp(config, { logger: ['error'], ...overrides });
}
