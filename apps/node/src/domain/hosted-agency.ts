export type HostedAgencyState = 'active' | 'removed';

/** An agency this node signs and receives for. The key stays encrypted (PKCS#8) until it signs. */
export interface HostedAgency {
  code: string;
  name: string;
  /** Encrypted PKCS#8 PEM (NODE_KEY_PASSPHRASE). */
  keyPem: string;
  certificatePem: string;
  /** The CA that issued the certificate, as the axis returned it at enrollment. */
  caCertificatePem: string;
  state: HostedAgencyState;
  createdAt: Date;
  updatedAt: Date;
}
