import { ApiProperty } from '@nestjs/swagger';

export class EnrollmentTokenResponse {
  @ApiProperty() agencyCode!: string;
  @ApiProperty({ description: 'One-time token for POST /api/v1/enroll; shown only now' })
  enrollmentToken!: string;
  @ApiProperty() enrollmentExpiresAt!: Date;
}
