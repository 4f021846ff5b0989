import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { CertificateRecord } from '../certificate';

export class CertificateResponse {
  @ApiProperty() serial!: string;
  @ApiProperty() agencyCode!: string;
  @ApiProperty() nodeId!: string;
  @ApiProperty() notBefore!: Date;
  @ApiProperty() notAfter!: Date;
  @ApiProperty() issuedAt!: Date;
  @ApiPropertyOptional() revokedAt?: Date;
  @ApiPropertyOptional() revocationReason?: string;
  @ApiProperty() pem!: string;

  static from(record: CertificateRecord): CertificateResponse {
    return Object.assign(new CertificateResponse(), record);
  }
}
