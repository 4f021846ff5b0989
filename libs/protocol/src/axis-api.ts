/** The axis HTTP API that nodes call (`/api/v1`). Shapes shared by the axis and its clients. */

export type AgencyState = 'active' | 'suspended';

export interface DirectoryEntry {
  code: string;
  name: string;
  parentCode?: string;
  /** The node that hosts the agency, once enrolled. */
  nodeId?: string;
  state: AgencyState;
  /** The agency's current certificate (PEM), once enrolled. */
  certificatePem?: string;
}

/** `POST /api/v1/enroll`: the hosting node proves it holds the one-time token and sends its CSR. */
export interface EnrollRequest {
  token: string;
  nodeId: string;
  csrPem: string;
}

export interface EnrollResponse {
  agencyCode: string;
  certificatePem: string;
  /** The issuing CA (the trust anchor nodes verify against). */
  caCertificatePem: string;
}

export const AXIS_PATHS = {
  enroll: '/api/v1/enroll',
  directory: '/api/v1/directory',
  caCertificate: '/api/v1/ca.pem',
  crl: '/api/v1/crl.pem',
} as const;
