import { Injectable } from '@nestjs/common';
import { HealthIndicatorFunction, HealthIndicatorService } from '@nestjs/terminus';
import { errorReason, MessageBus } from '@lienthong/bus';
import { probeIndicator, withProbeTimeout } from '@lienthong/observability';
import { InboxConsumers } from '../ports/inbox-consumers';
import { DatabaseProbe } from '../repositories/database-probe';
import { HostedAgencyRepository } from '../repositories/hosted-agency.repository';
import { OutboxRepository } from '../repositories/outbox.repository';

/** A row waiting longer than this means documents are not leaving: not ready. */
export const OUTBOX_STALE_SECONDS = 300;

/**
 * The node's readiness checks, as terminus indicators (served by HealthController):
 * `database` (a round trip), `bus` (the broker connection), `consumers` (every hosted agency's
 * inbox is consumed), `outbox` (the oldest pending row is younger than {@link OUTBOX_STALE_SECONDS}).
 */
@Injectable()
export class HealthService {
  constructor(
    private readonly database: DatabaseProbe,
    private readonly outbox: OutboxRepository,
    private readonly bus: MessageBus,
    private readonly agencies: HostedAgencyRepository,
    private readonly consumers: InboxConsumers,
    private readonly indicators: HealthIndicatorService,
  ) {}

  readinessChecks(): HealthIndicatorFunction[] {
    return [
      () => this.databaseCheck(),
      () => this.busCheck(),
      () => this.consumersCheck(),
      () => this.outboxCheck(),
    ];
  }

  databaseCheck() {
    return probeIndicator(this.indicators, 'database', () => this.database.ping());
  }

  busCheck() {
    // The in-process bus has no connection to lose; the AMQP one says whether it holds one.
    const connected = (this.bus as { connected?: unknown }).connected;
    const check = this.indicators.check('bus');
    return typeof connected === 'boolean' && !connected
      ? check.down({ message: 'no connection to the broker' })
      : check.up();
  }

  async consumersCheck() {
    const check = this.indicators.check('consumers');
    try {
      const agencies = await withProbeTimeout(this.agencies.listActive());
      const idle = agencies.map((a) => a.code).filter((code) => !this.consumers.isConsuming(code));
      return idle.length > 0
        ? check.down({ message: 'inboxes not consumed', agencies: agencies.length, notConsuming: idle })
        : check.up({ agencies: agencies.length });
    } catch (error) {
      return check.down({ message: errorReason(error) });
    }
  }

  async outboxCheck() {
    const check = this.indicators.check('outbox');
    try {
      const backlog = await withProbeTimeout(this.outbox.backlog());
      const oldest = backlog.oldestPendingSeconds ?? 0;
      const data = { pending: backlog.pending, oldestPendingSeconds: Math.round(oldest) };
      return oldest < OUTBOX_STALE_SECONDS
        ? check.up(data)
        : check.down({ ...data, message: `a row has waited more than ${OUTBOX_STALE_SECONDS} s` });
    } catch (error) {
      return check.down({ message: errorReason(error) });
    }
  }
}
