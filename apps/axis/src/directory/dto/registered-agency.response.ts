import { ApiProperty } from '@nestjs/swagger';
import { AgencyResponse } from './agency.response';

export class RegisteredAgencyResponse {
  @ApiProperty() agency!: AgencyResponse;
  @ApiProperty({ description: 'One-time token for POST /api/v1/enroll; shown only now' })
  enrollmentToken!: string;
  @ApiProperty() enrollmentExpiresAt!: Date;
}
