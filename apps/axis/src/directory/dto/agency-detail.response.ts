import { ApiProperty } from '@nestjs/swagger';
import { CertificateResponse } from '../../certificates/dto/certificate.response';
import type { CertificateRecord } from '../../certificates/certificate';
import type { Agency } from '../agency';
import { AgencyResponse } from './agency.response';

export class AgencyDetailResponse extends AgencyResponse {
  @ApiProperty({
    type: [CertificateResponse],
    description: 'Every certificate issued to the agency, newest first',
  })
  certificates!: CertificateResponse[];

  static withCertificates(agency: Agency, certificates: CertificateRecord[]): AgencyDetailResponse {
    return Object.assign(new AgencyDetailResponse(), agency, {
      certificates: certificates.map((c) => CertificateResponse.from(c)),
    });
  }
}
