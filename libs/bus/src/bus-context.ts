import { BaseRpcContext } from '@nestjs/microservices';
import type { IncomingMessage } from './message-bus';

export type BusContextArgs = [message: IncomingMessage, pattern: string];

/** What `@Ctx()` gives a handler served by {@link BusTransportServer}. */
export class BusContext extends BaseRpcContext<BusContextArgs> {
  getMessage(): IncomingMessage {
    return this.args[0];
  }

  getPattern(): string {
    return this.args[1];
  }

  getQueue(): string {
    return this.args[0].queue;
  }
}
