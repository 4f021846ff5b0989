import { ApiProperty } from '@nestjs/swagger';
import type { EnrollRequest } from '@lienthong/protocol';
import { IsString, Matches, MaxLength } from 'class-validator';

export class EnrollDto implements EnrollRequest {
  @ApiProperty({ description: 'The one-time enrollment token' })
  @IsString()
  @MaxLength(200)
  token!: string;

  @ApiProperty({ example: 'node-vpcp' })
  @Matches(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/, {
    message: 'nodeId must be a short name (letters, digits, . _ -)',
  })
  nodeId!: string;

  @ApiProperty({ description: 'PKCS#10 request (PEM), RSA ≥ 2048 bits; its subject is ignored' })
  @IsString()
  @MaxLength(20_000)
  csrPem!: string;
}
