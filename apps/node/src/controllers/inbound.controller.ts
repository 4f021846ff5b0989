import { Controller, Inject } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import {
  BusContext,
  decideSettlement,
  DEFAULT_MAX_ATTEMPTS,
  HandlerOutcome,
  IncomingMessage,
  MessageBus,
} from '@lienthong/bus';
import {
  ExchangeMetrics,
  OBSERVABILITY,
  Observability,
  withAppLogger,
  withLogContext,
} from '@lienthong/observability';
import { MESSAGE_HEADERS } from '@lienthong/protocol';
import { INBOX_PATTERN } from '../ports/bus-inbox-consumers';
import { InboxConsumers } from '../ports/inbox-consumers';
import { InboundService } from '../services/inbound.service';

/** Every hosted agency's inbox queue, served by BusTransportServer; the outcome settles the message. */
@Controller()
export class InboundController {
  constructor(
    private readonly inbound: InboundService,
    private readonly consumers: InboxConsumers,
    private readonly bus: MessageBus,
    private readonly metrics: ExchangeMetrics,
    @Inject(OBSERVABILITY) private readonly observability: Observability,
  ) {}

  @EventPattern(INBOX_PATTERN)
  async receive(@Payload() message: IncomingMessage, @Ctx() context: BusContext): Promise<HandlerOutcome> {
    const agency = this.consumers.agencyOf(context.getQueue());
    // Every line logged while this message is handled says which agency and message it is about;
    // the service adds the document id once it has read the package. This node's logger: with the
    // in-process bus, a delivery runs in the context of whoever published it.
    const outcome = await withAppLogger(this.observability.logger, () =>
      withLogContext(
        {
          agency: agency ?? context.getQueue(),
          messageId: message.messageId,
          documentUuid: headerValue(message, MESSAGE_HEADERS.document),
          sender: headerValue(message, MESSAGE_HEADERS.from),
        },
        (): Promise<HandlerOutcome> | HandlerOutcome =>
          agency
            ? this.inbound.handle(agency, message)
            : { action: 'retry', reason: `no hosted agency consumes ${context.getQueue()}` },
      ),
    );
    // What the bus will do with it: the inbox is consumed with the default attempt limit.
    const settlement = decideSettlement(outcome, message.attempt, DEFAULT_MAX_ATTEMPTS, this.bus.topology);
    this.metrics.consumerSettled('inbox', settlement.kind);
    return outcome;
  }
}

function headerValue(message: IncomingMessage, name: string): string | undefined {
  const value = message.headers[name];
  return typeof value === 'string' ? value : undefined;
}
