import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { OperatorOnly } from '../http/operator.decorator';
import { RevokeCertificateDto } from './dto/revoke-certificate.dto';
import { RevocationResponse } from './dto/revocation.response';
import { RevocationService } from './revocation.service';

@ApiTags('certificates')
@OperatorOnly()
@Controller('certificates')
export class CertificatesController {
  constructor(private readonly revocation: RevocationService) {}

  @Post(':serial/revoke')
  @HttpCode(200)
  @ApiOperation({ summary: 'Revoke a certificate; a new CRL is published at once' })
  revoke(@Param('serial') serial: string, @Body() body: RevokeCertificateDto): Promise<RevocationResponse> {
    return this.revocation.revoke(serial, body.reason);
  }
}
