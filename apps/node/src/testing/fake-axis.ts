import { randomBytes } from 'node:crypto';
import type { MessageBus } from '@lienthong/bus';
import { AppError } from '@lienthong/common';
import { createCrl, createRootCa, issueFromCsr, readAgencyIdentity, RootCa } from '@lienthong/pki';
import type { DirectoryEntry, EnrollRequest, EnrollResponse } from '@lienthong/protocol';
import { AxisClient } from '../ports/axis-client';

/**
 * The axis as tests need it, in process: a small CA, one-time enrollment tokens, the directory and
 * a CRL, and the agencies' queues declared on the bus as the real axis does when it registers them.
 */
export class FakeAxis extends AxisClient {
  readonly ca: RootCa = createRootCa({ commonName: 'lienthong test root CA' });
  /** false: every call fails as if the axis were down. */
  reachable = true;
  readonly enrollments: EnrollRequest[] = [];
  private readonly tokens = new Map<string, string>();
  private readonly entries = new Map<string, DirectoryEntry>();
  private readonly revoked: { serialNumber: string; revokedAt: Date }[] = [];
  private crlNumber = 0;

  constructor(private readonly bus?: MessageBus) {
    super();
  }

  /** Registers an agency and returns its enrollment token. `queue: false` leaves it without an inbox on the bus. */
  async register(code: string, name: string, options: { queue?: boolean } = {}): Promise<string> {
    this.entries.set(code, { code, name, state: 'active' });
    if (options.queue !== false && this.bus) await this.bus.assertAgencyQueue(code);
    return this.issueToken(code);
  }

  issueToken(code: string): string {
    const token = randomBytes(18).toString('base64url');
    this.tokens.set(token, code);
    return token;
  }

  revoke(certificatePem: string): void {
    this.revoked.push({
      serialNumber: readAgencyIdentity(certificatePem).serialNumber,
      revokedAt: new Date(Date.now() - 1000),
    });
  }

  async enroll(request: EnrollRequest): Promise<EnrollResponse> {
    this.assertReachable();
    this.enrollments.push(request);
    const code = this.tokens.get(request.token);
    if (!code)
      throw AppError.invalid('ENROLLMENT_REFUSED', 'The axis refused the enrollment: unknown or used token');
    this.tokens.delete(request.token);
    const entry = this.entries.get(code)!;
    const issued = issueFromCsr({
      caKeyPem: this.ca.keyPem,
      caCertPem: this.ca.certPem,
      csrPem: request.csrPem,
      organId: code,
      name: entry.name,
    });
    this.entries.set(code, { ...entry, nodeId: request.nodeId, certificatePem: issued.certPem });
    return { agencyCode: code, certificatePem: issued.certPem, caCertificatePem: this.ca.certPem };
  }

  async directory(): Promise<DirectoryEntry[]> {
    this.assertReachable();
    return [...this.entries.values()];
  }

  async caCertificates(): Promise<string> {
    this.assertReachable();
    return this.ca.certPem;
  }

  async crl(): Promise<string | undefined> {
    this.assertReachable();
    return createCrl({
      caKeyPem: this.ca.keyPem,
      caCertPem: this.ca.certPem,
      revoked: this.revoked,
      crlNumber: ++this.crlNumber,
    });
  }

  private assertReachable(): void {
    if (!this.reachable) throw new AppError('unavailable', 'AXIS_UNAVAILABLE', 'The axis cannot be reached');
  }
}
