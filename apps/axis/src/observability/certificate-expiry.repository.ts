/** An agency's current certificate (the one the directory hands out), for the expiry gauge. */
export interface AgencyCertificateExpiry {
  agency: string;
  serial: string;
  notAfter: Date;
}

export abstract class CertificateExpiryRepository {
  /** One indexed join over the agencies: read on every Prometheus scrape. */
  abstract listCurrent(): Promise<AgencyCertificateExpiry[]>;
}
