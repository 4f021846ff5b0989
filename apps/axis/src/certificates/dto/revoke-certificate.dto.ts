import { ApiProperty } from '@nestjs/swagger';
import { CRL_REASONS, CrlReason } from '@lienthong/pki';
import { IsIn } from 'class-validator';

// removeFromCRL only undoes a certificateHold, which the axis does not use.
export const REVOCATION_REASONS = (Object.keys(CRL_REASONS) as CrlReason[]).filter(
  (r) => r !== 'removeFromCRL',
);

export class RevokeCertificateDto {
  @ApiProperty({ enum: REVOCATION_REASONS, example: 'keyCompromise' })
  @IsIn(REVOCATION_REASONS)
  reason!: CrlReason;
}
