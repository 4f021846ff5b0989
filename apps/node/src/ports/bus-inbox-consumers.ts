import { Injectable } from '@nestjs/common';
import { BusTransportServer, MessageBus } from '@lienthong/bus';
import { InboxConsumers } from './inbox-consumers';

/** The `@EventPattern` every hosted agency's inbox is served to (see InboundController). */
export const INBOX_PATTERN = 'lienthong.node.inbox';

/** Bounded so that one agency's burst of large packages cannot take all the node's memory. */
const PREFETCH = 8;

@Injectable()
export class BusInboxConsumers extends InboxConsumers {
  private readonly agencies = new Map<string, string>();

  constructor(
    private readonly transport: BusTransportServer,
    private readonly bus: MessageBus,
  ) {
    super();
  }

  async start(agencyCode: string): Promise<void> {
    const queue = this.bus.topology.agencyInbox(agencyCode);
    if (this.transport.queues.includes(queue)) return;
    this.agencies.set(queue, agencyCode);
    try {
      await this.transport.addSubscription({
        queue,
        pattern: INBOX_PATTERN,
        options: { prefetch: PREFETCH },
      });
    } catch (error) {
      this.agencies.delete(queue);
      throw error;
    }
  }

  async stop(agencyCode: string): Promise<void> {
    const queue = this.bus.topology.agencyInbox(agencyCode);
    await this.transport.removeSubscription(queue);
    this.agencies.delete(queue);
  }

  isConsuming(agencyCode: string): boolean {
    return this.transport.queues.includes(this.bus.topology.agencyInbox(agencyCode));
  }

  agencyOf(queue: string): string | undefined {
    return this.agencies.get(queue);
  }
}
