import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { AuditAction, AuditDetails, AuditEntry } from '@lienthong/audit';
import type { Transaction } from '../database/transaction';
import { AuditRepository } from './audit.repository';

/** Committed entries are chained within this time. */
const SEAL_INTERVAL_MS = 500;

export interface AxisAuditRecord {
  action: AuditAction;
  /** `operator`, `node:<id>`, `system`. */
  actor: string;
  agency?: string | null;
  documentId?: string | null;
  /** Metadata only: never a document body, a token or a key. */
  details?: AuditDetails;
  time?: Date;
}

/**
 * The axis's append-only audit log. `record` inside a transaction commits the entry with the
 * change it records (one statement, no lock); without one it is its own statement. A background
 * loop seals committed entries into the hash chain (libs/audit, docs/audit.md).
 */
@Injectable()
export class AuditService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(AuditService.name);
  private timer?: NodeJS.Timeout;
  private sealing?: Promise<unknown>;

  constructor(private readonly repository: AuditRepository) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.seal(), SEAL_INTERVAL_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.sealing;
  }

  record(record: AxisAuditRecord, tx?: Transaction): Promise<void> {
    return this.repository.append([record], tx);
  }

  recordMany(records: readonly AxisAuditRecord[], tx?: Transaction): Promise<void> {
    return this.repository.append(records, tx);
  }

  /** Entries from `fromSeq`, everything committed so far sealed first. */
  async list(fromSeq = 1, limit = 1000): Promise<AuditEntry[]> {
    await this.seal();
    return this.repository.list(fromSeq, Math.min(Math.max(limit, 1), 10_000));
  }

  private seal(): Promise<unknown> {
    const run = (this.sealing ?? Promise.resolve())
      .then(() => this.repository.seal())
      .catch((error: Error) => this.logger.warn(`audit entries not sealed yet: ${error.message}`));
    this.sealing = run;
    return run;
  }
}
