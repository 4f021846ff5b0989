import { Injectable } from '@nestjs/common';

/**
 * Tells the outbox relay that rows were committed, so it publishes at once instead of at its next
 * poll. Writers call wake() only after their transaction committed: a wake before the commit would
 * find nothing and the row would wait for the poll.
 */
@Injectable()
export class OutboxSignal {
  private listener?: () => void;

  wake(): void {
    this.listener?.();
  }

  onWake(listener: () => void): void {
    this.listener = listener;
  }
}
