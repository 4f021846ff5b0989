import { Injectable } from '@nestjs/common';
import { errorReason, MessageBus } from '@lienthong/bus';
import { DatabaseProbe } from '../repositories/database-probe';
import { OutboxRepository } from '../repositories/outbox.repository';

/** A row waiting longer than this means documents are not leaving: not ready. */
export const OUTBOX_STALE_SECONDS = 300;

export interface Readiness {
  ready: boolean;
  database: { ok: boolean; error?: string };
  bus: { ok: boolean };
  outbox: { ok: boolean; pending?: number; oldestPendingSeconds?: number; error?: string };
}

@Injectable()
export class HealthService {
  constructor(
    private readonly database: DatabaseProbe,
    private readonly outbox: OutboxRepository,
    private readonly bus: MessageBus,
  ) {}

  async readiness(): Promise<Readiness> {
    const database = await this.database.ping().then(
      () => ({ ok: true }),
      (error: unknown) => ({ ok: false, error: errorReason(error) }),
    );
    // The in-process bus has no connection to lose; the AMQP one says whether it holds one.
    const connected = (this.bus as { connected?: unknown }).connected;
    const bus = { ok: typeof connected === 'boolean' ? connected : true };
    const outbox = await this.outbox.backlog().then(
      (b) => ({ ok: (b.oldestPendingSeconds ?? 0) < OUTBOX_STALE_SECONDS, ...b }),
      (error: unknown) => ({ ok: false, error: errorReason(error) }),
    );
    return { ready: database.ok && bus.ok && outbox.ok, database, bus, outbox };
  }
}
