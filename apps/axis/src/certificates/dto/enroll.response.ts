import { ApiProperty } from '@nestjs/swagger';
import type { EnrollResponse } from '@lienthong/protocol';

export class EnrollResponseDto implements EnrollResponse {
  @ApiProperty() agencyCode!: string;
  @ApiProperty() certificatePem!: string;
  @ApiProperty() caCertificatePem!: string;
}
