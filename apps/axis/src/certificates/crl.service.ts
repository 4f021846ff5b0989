import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { APP_CONFIG, AxisConfig } from '../config/axis-config';
import { Transaction, TransactionRunner } from '../database/transaction';
import { CaService } from './ca.service';
import { CertificateRepository } from './certificate.repository';
import type { CrlRecord } from './crl';
import { CrlRepository } from './crl.repository';
import { PkiRepository } from './pki.repository';

/** The revocation list nodes download: re-signed on every revocation and well before it expires. */
@Injectable()
export class CrlService implements OnApplicationBootstrap {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AxisConfig,
    private readonly ca: CaService,
    private readonly pki: PkiRepository,
    private readonly crls: CrlRepository,
    private readonly certificates: CertificateRepository,
    private readonly transactions: TransactionRunner,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.current();
  }

  /** The latest CRL, re-issued first when half its validity has passed, so nodes never hold a stale one. */
  async current(now = new Date()): Promise<CrlRecord> {
    const latest = await this.crls.findLatest();
    if (latest && this.isFresh(latest, now)) return latest;
    return this.transactions.run(async (tx) => {
      await this.crls.lockIssuance(tx);
      // Another request may have re-issued it while this one waited for the lock.
      const again = await this.crls.findLatest(tx);
      if (again && this.isFresh(again, now)) return again;
      return this.issue(tx, now);
    });
  }

  /** A new CRL listing every revoked certificate; call inside the transaction that revoked. */
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

  private isFresh(crl: CrlRecord, now: Date): boolean {
    return now.getTime() - crl.thisUpdate.getTime() < this.validityMs / 2;
  }

  private get validityMs(): number {
    return this.config.crlValidityHours * 3_600_000;
  }
}
