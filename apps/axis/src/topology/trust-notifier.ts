import { Injectable, Logger } from '@nestjs/common';
import { errorReason } from '@lienthong/bus';
import type { TrustNotification } from '@lienthong/protocol';
import { BusRepository } from '../bus/bus.repository';
import { TopologyService } from './topology.service';

/**
 * How long an operator's request waits for the broker's confirm. A broker that hangs must not
 * hold a revocation for the publisher's full confirm timeout; the publish goes on in the background.
 */
export const NOTIFY_WAIT_MS = 2_000;

/**
 * Tells every node at once that the CRL or the directory changed. Best effort: call it after the
 * change is committed; it never throws. A notification that cannot be published is logged, and
 * nodes still see the change at their next poll (TRUST_REFRESH_SECONDS).
 */
@Injectable()
export class TrustNotifier {
  private readonly logger = new Logger(TrustNotifier.name);
  private readonly waitMs = NOTIFY_WAIT_MS;

  constructor(
    private readonly bus: BusRepository,
    private readonly topology: TopologyService,
  ) {}

  /** Resolves once the broker confirmed, failed, or {@link NOTIFY_WAIT_MS} passed; never rejects. */
  async notify(notification: TrustNotification): Promise<void> {
    const what = describe(notification);
    const publishing = this.publish(notification).then(
      () => true,
      (error: unknown) => {
        this.logger.warn(
          `${what} not broadcast, nodes will see it at their next poll: ${errorReason(error)}`,
        );
        return true;
      },
    );
    let timer: NodeJS.Timeout | undefined;
    const settled = await Promise.race([
      publishing,
      new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), this.waitMs))),
    ]);
    clearTimeout(timer);
    if (!settled) this.logger.warn(`${what} not confirmed within ${this.waitMs} ms; not waiting any longer`);
  }

  private async publish(notification: TrustNotification): Promise<void> {
    // The exchange is part of the core topology, declared once per process.
    await this.topology.ensureCore();
    await this.bus.publishNotification(notification);
  }
}

function describe(notification: TrustNotification): string {
  return notification.type === 'crl-updated'
    ? `crl-updated (CRL ${notification.crlNumber})`
    : `directory-updated (${notification.agencyCode ?? 'all'}${notification.change ? ` ${notification.change}` : ''})`;
}
