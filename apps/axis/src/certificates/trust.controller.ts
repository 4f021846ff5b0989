import { Controller, Get, Header } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { CaService } from './ca.service';
import { CrlService } from './crl.service';

const PEM = 'application/x-pem-file';

/** Node-facing and public: what a verifier needs to trust and to check revocation. */
@ApiTags('nodes')
@Controller()
export class TrustController {
  constructor(
    private readonly ca: CaService,
    private readonly crl: CrlService,
  ) {}

  @Get('ca.pem')
  @Header('Content-Type', PEM)
  @ApiProduces(PEM)
  @ApiOperation({ summary: 'The axis CA certificate, then any extra trust anchors' })
  caCertificates(): string {
    return this.ca.trustBundlePem();
  }

  @Get('crl.pem')
  @Header('Content-Type', PEM)
  @Header('Cache-Control', 'no-cache')
  @ApiProduces(PEM)
  @ApiOperation({ summary: 'The current CRL (re-issued on every revocation and at half its validity)' })
  async crlPem(): Promise<string> {
    return (await this.crl.current()).pem;
  }
}
