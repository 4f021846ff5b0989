import type { DirectoryEntry, EnrollRequest, EnrollResponse } from '@lienthong/protocol';

/**
 * What the node asks of the axis. Services depend on this port, so tests fake the axis without HTTP.
 * Implementations throw AppError: `invalid` when the axis refused the request (a bad or used
 * enrollment token), `unavailable` when it could not be reached.
 */
export abstract class AxisClient {
  abstract enroll(request: EnrollRequest): Promise<EnrollResponse>;
  abstract directory(): Promise<DirectoryEntry[]>;
  /** The CA certificate(s) nodes verify against, PEM (a bundle when the axis trusts several). */
  abstract caCertificates(): Promise<string>;
  /** undefined while the axis has published no CRL. */
  abstract crl(): Promise<string | undefined>;
}
