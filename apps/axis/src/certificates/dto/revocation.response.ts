import { ApiProperty } from '@nestjs/swagger';

export class RevocationResponse {
  @ApiProperty() serial!: string;
  @ApiProperty() agencyCode!: string;
  @ApiProperty() revokedAt!: Date;
  @ApiProperty() reason!: string;
  @ApiProperty({ description: 'cRLNumber of the CRL that lists it first' }) crlNumber!: string;
}
