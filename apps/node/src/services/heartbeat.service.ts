import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { MessageBus } from '@lienthong/bus';
import { HEARTBEAT_ROUTING_KEY, NodeHeartbeat } from '@lienthong/protocol';
import { NODE_CONFIG, NodeConfig } from '../config/node-config';
import { HostedAgencyRepository } from '../repositories/hosted-agency.repository';

/**
 * Tells the axis every `HEARTBEAT_SECONDS` that this node is alive, in which mode, for which
 * agencies (docs/dashboard.md). Straight on the bus, not through the outbox: a heartbeat is worth
 * something only now, so one that cannot go out is dropped and the next one tries again.
 */
@Injectable()
export class HeartbeatService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(HeartbeatService.name);
  private timer?: NodeJS.Timeout;
  private failing = false;

  constructor(
    @Inject(NODE_CONFIG) private readonly config: NodeConfig,
    private readonly bus: MessageBus,
    private readonly agencies: HostedAgencyRepository,
  ) {}

  onApplicationBootstrap(): void {
    void this.beat();
    this.timer = setInterval(() => void this.beat(), this.config.heartbeatSeconds * 1000);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Sends one heartbeat now; never throws. */
  async beat(): Promise<void> {
    try {
      const hosted = await this.agencies.listActive();
      const heartbeat: NodeHeartbeat = {
        type: 'heartbeat',
        nodeId: this.config.nodeId,
        mode: this.config.mode,
        agencies: hosted.map((a) => a.code).sort(),
        intervalSeconds: this.config.heartbeatSeconds,
        sentAt: new Date().toISOString(),
      };
      await this.bus.publish({
        exchange: 'trace',
        routingKey: HEARTBEAT_ROUTING_KEY,
        messageId: randomUUID(),
        body: Buffer.from(JSON.stringify(heartbeat)),
        contentType: 'application/json',
      });
      if (this.failing) this.logger.log('heartbeats reach the broker again');
      this.failing = false;
    } catch (error) {
      if (!this.failing) this.logger.warn(`heartbeat not sent: ${(error as Error).message}`);
      this.failing = true;
    }
  }
}
