import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { AXIS_DATA_SOURCE } from '../data-source-name';
import type { CrlReason } from '@lienthong/pki';
import { DataSource, IsNull, Not, Repository } from 'typeorm';
import type { CertificateRecord, NewCertificate, Revocation } from '../../certificates/certificate';
import { CertificateRepository } from '../../certificates/certificate.repository';
import { CertificateEntity } from '../entities/certificate.entity';
import { toCertificateRecord } from '../mappers/certificate.mapper';
import type { Transaction } from '../transaction';

@Injectable()
export class TypeormCertificateRepository extends CertificateRepository {
  constructor(@InjectDataSource(AXIS_DATA_SOURCE) private readonly db: DataSource) {
    super();
  }

  async record(certificate: NewCertificate, tx: Transaction): Promise<void> {
    await this.rows(tx).insert({ ...certificate, revokedAt: null, revocationReason: null });
  }

  async findBySerialForUpdate(serial: string, tx: Transaction): Promise<CertificateRecord | undefined> {
    const row = await this.rows(tx)
      .createQueryBuilder('c')
      .setLock('pessimistic_write')
      .where('c.serial = :serial', { serial })
      .getOne();
    return row ? toCertificateRecord(row) : undefined;
  }

  async listByAgency(agencyCode: string): Promise<CertificateRecord[]> {
    const rows = await this.rows().find({
      where: { agencyCode },
      order: { issuedAt: 'DESC', serial: 'ASC' },
    });
    return rows.map(toCertificateRecord);
  }

  async markRevoked(revocation: Revocation, tx: Transaction): Promise<void> {
    await this.rows(tx).update(
      { serial: revocation.serial },
      { revokedAt: revocation.revokedAt, revocationReason: revocation.reason },
    );
  }

  async listRevocations(tx?: Transaction): Promise<Revocation[]> {
    const rows = await this.rows(tx).find({
      select: { serial: true, revokedAt: true, revocationReason: true },
      where: { revokedAt: Not(IsNull()) },
      order: { revokedAt: 'ASC', serial: 'ASC' },
    });
    return rows.map((r) => ({
      serial: r.serial,
      revokedAt: r.revokedAt as Date,
      reason: r.revocationReason as CrlReason,
    }));
  }

  private rows(tx?: Transaction): Repository<CertificateEntity> {
    return (tx ?? this.db.manager).getRepository(CertificateEntity);
  }
}
