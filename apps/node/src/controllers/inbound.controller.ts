import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { BusContext, HandlerOutcome, IncomingMessage } from '@lienthong/bus';
import { INBOX_PATTERN } from '../ports/bus-inbox-consumers';
import { InboxConsumers } from '../ports/inbox-consumers';
import { InboundService } from '../services/inbound.service';

/** Every hosted agency's inbox queue, served by BusTransportServer; the outcome settles the message. */
@Controller()
export class InboundController {
  constructor(
    private readonly inbound: InboundService,
    private readonly consumers: InboxConsumers,
  ) {}

  @EventPattern(INBOX_PATTERN)
  async receive(@Payload() message: IncomingMessage, @Ctx() context: BusContext): Promise<HandlerOutcome> {
    const agency = this.consumers.agencyOf(context.getQueue());
    if (!agency) return { action: 'retry', reason: `no hosted agency consumes ${context.getQueue()}` };
    return this.inbound.handle(agency, message);
  }
}
