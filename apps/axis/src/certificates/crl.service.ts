import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { errorReason } from '@lienthong/bus';
import { APP_CONFIG, AxisConfig } from '../config/axis-config';
import { Transaction, TransactionRunner } from '../database/transaction';
import { TrustNotifier } from '../topology/trust-notifier';
import { CaService } from './ca.service';
import { CertificateRepository } from './certificate.repository';
import { CrlRecord, crlUpdatedNotification } from './crl';
import { CrlRepository } from './crl.repository';
import { PkiRepository } from './pki.repository';

/** Upper bound of the interval between two freshness checks of the scheduled re-issue. */
const MAX_CHECK_INTERVAL_MS = 5 * 60_000;

/**
 * The revocation list nodes download: re-signed on every revocation and well before it expires,
 * and nodes are told (`crl-updated`) each time a new one is committed.
 */
@Injectable()
export class CrlService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(CrlService.name);
  private timer?: NodeJS.Timeout;
  private checking = false;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AxisConfig,
    private readonly ca: CaService,
    private readonly pki: PkiRepository,
    private readonly crls: CrlRepository,
    private readonly certificates: CertificateRepository,
    private readonly transactions: TransactionRunner,
    private readonly notifier: TrustNotifier,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.current();
    // Re-issued at half its validity even when nobody asks, so that the push reaches every node.
    this.timer = setInterval(() => void this.scheduledCheck(), this.checkIntervalMs);
    this.timer.unref();
  }

  beforeApplicationShutdown(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** The latest CRL, re-issued first when half its validity has passed, so nodes never hold a stale one. */
  async current(now = new Date()): Promise<CrlRecord> {
    const latest = await this.crls.findLatest();
    if (latest && this.isFresh(latest, now)) return latest;
    let issued: CrlRecord | undefined;
    const crl = await this.transactions.run(async (tx) => {
      await this.crls.lockIssuance(tx);
      // Another request may have re-issued it while this one waited for the lock.
      const again = await this.crls.findLatest(tx);
      if (again && this.isFresh(again, now)) return again;
      return (issued = await this.issue(tx, now));
    });
    // Committed: only now may nodes be told to fetch it.
    if (issued) await this.notifier.notify(crlUpdatedNotification(issued));
    return crl;
  }

  /**
   * A new CRL listing every revoked certificate; call inside the transaction that revoked, and
   * notify nodes after its commit.
   */
  async issue(tx: Transaction, now = new Date()): Promise<CrlRecord> {
    await this.crls.lockIssuance(tx);
    const latest = await this.crls.findLatest(tx);
    const revocations = await this.certificates.listRevocations(tx);
    const record = {
      number: (latest?.number ?? 0n) + 1n,
      thisUpdate: now,
      nextUpdate: new Date(now.getTime() + this.validityMs),
    };
    const pem = this.pki.createCrl(this.ca.signer(), revocations, record);
    const crl = { ...record, pem };
    await this.crls.save(crl, tx);
    return crl;
  }

  /** The scheduled re-issue; a failure waits for the next check (nodes still hold a valid CRL). */
  async scheduledCheck(now = new Date()): Promise<void> {
    if (this.checking) return;
    this.checking = true;
    try {
      await this.current(now);
    } catch (error) {
      this.logger.warn({ msg: 'scheduled CRL check failed', reason: errorReason(error) });
    } finally {
      this.checking = false;
    }
  }

  private get checkIntervalMs(): number {
    return Math.max(1_000, Math.min(this.validityMs / 8, MAX_CHECK_INTERVAL_MS));
  }

  private isFresh(crl: CrlRecord, now: Date): boolean {
    return now.getTime() - crl.thisUpdate.getTime() < this.validityMs / 2;
  }

  private get validityMs(): number {
    return this.config.crlValidityHours * 3_600_000;
  }
}
