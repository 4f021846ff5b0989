import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { AXIS_DATA_SOURCE } from '../database/data-source-name';
import { AgencyCertificateExpiry, CertificateExpiryRepository } from './certificate-expiry.repository';

@Injectable()
export class TypeormCertificateExpiryRepository extends CertificateExpiryRepository {
  constructor(@InjectDataSource(AXIS_DATA_SOURCE) private readonly db: DataSource) {
    super();
  }

  async listCurrent(): Promise<AgencyCertificateExpiry[]> {
    const rows = (await this.db.query(
      `SELECT a.code, c.serial, c.not_after
         FROM agency a JOIN certificate c ON c.serial = a.certificate_serial AND c.revoked_at IS NULL`,
    )) as { code: string; serial: string; not_after: Date | string }[];
    return rows.map((r) => ({ agency: r.code, serial: r.serial, notAfter: new Date(r.not_after) }));
  }
}
