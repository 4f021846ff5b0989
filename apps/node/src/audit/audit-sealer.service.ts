import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { AuditLog } from './audit-log';

/** Committed entries are chained within this time. */
const SEAL_INTERVAL_MS = 200;

/**
 * Seals committed audit entries into the hash chain (audit_seal: one sealer at a time, in the
 * order they were appended), in the background and on demand before the chain is read.
 */
@Injectable()
export class AuditSealer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(AuditSealer.name);
  private timer?: NodeJS.Timeout;
  private sealing?: Promise<number>;

  constructor(private readonly log: AuditLog) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      this.sealNow().catch((error: Error) =>
        this.logger.warn(`audit entries not sealed yet: ${error.message}`),
      );
    }, SEAL_INTERVAL_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.sealing?.catch(() => undefined);
  }

  /** Everything committed before this call is in the chain when it resolves. */
  sealNow(): Promise<number> {
    const run = (this.sealing ?? Promise.resolve(0)).catch(() => 0).then(() => this.log.seal());
    this.sealing = run;
    return run;
  }
}
