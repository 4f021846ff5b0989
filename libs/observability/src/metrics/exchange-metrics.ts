/*
 * The port every service records through. Services get an ExchangeMetrics injected and call these
 * methods on the hot path: each is an O(1) in-memory update (no I/O, no await). What is expensive
 * to know (outbox backlog, certificate expiry) is not pushed: a source is registered once and read
 * when Prometheus scrapes.
 */

/** `edoc`: a document (or a revocation, update, replacement); `status`: a status package. */
export type PackageKind = 'edoc' | 'status';

/** How a consumed message was settled: the handler's outcome after the attempt limit is applied. */
export type ConsumerOutcome = 'ack' | 'retry' | 'dead-letter';

/** `routed`: confirmed and queued; `returned`: confirmed but no queue took it; `error`: nack, timeout, lost connection. */
export type PublishOutcome = 'routed' | 'returned' | 'error';

/** `ok`: valid; `invalid`: the package is at fault (quarantined); `unavailable`: our side could not decide (retried). */
export type VerificationResult = 'ok' | 'invalid' | 'unavailable';

export interface OutboxBacklogSample {
  pending: number;
  /** Undefined when nothing is pending. */
  oldestPendingSeconds?: number;
}

export interface CertificateExpirySample {
  /** `agency`: an agency's signing certificate; `ca`: a certificate authority (trust anchor). */
  kind: 'agency' | 'ca';
  /** The agency identifier code; empty for a CA. */
  agency: string;
  /** Upper-case hex. */
  serial: string;
  notAfter: Date;
}

export type OutboxBacklogSource = () => Promise<OutboxBacklogSample>;
export type CertificateExpirySource = () => Promise<CertificateExpirySample[]> | CertificateExpirySample[];

export abstract class ExchangeMetrics {
  /** A package confirmed by the broker and routed to the recipient's queue (one per recipient). */
  abstract packageSent(agency: string, kind: PackageKind): void;
  /** A package stored for a recipient agency (a redelivered duplicate is not counted again). */
  abstract packageReceived(agency: string, kind: PackageKind): void;
  /** A package refused for `agency` (quarantined and answered 02, or reported rejected), by reason code. */
  abstract packageRejected(agency: string, reason: string): void;
  /** A document that could not be delivered to any queue (unroutable), by sending agency. */
  abstract packageFailed(agency: string, reason: string): void;
  /** Time from publish to the broker's confirm (or failure). */
  abstract publishConfirmed(exchange: string, outcome: PublishOutcome, seconds: number): void;
  abstract consumerSettled(consumer: string, outcome: ConsumerOutcome): void;
  /** `code`: the verifier's reason code when not ok. */
  abstract signatureVerified(result: VerificationResult, code?: string): void;
  /** Read on every scrape; one cheap query. A source that fails makes the gauges NaN (unknown) for that scrape. */
  abstract observeOutbox(source: OutboxBacklogSource): void;
  /** Read on every scrape. Several sources add up (e.g. agency certificates and CAs). */
  abstract observeCertificates(source: CertificateExpirySource): void;
}

/** Records nothing: unit specs that do not look at metrics, and code paths built without them. */
export class NoopExchangeMetrics extends ExchangeMetrics {
  packageSent(): void {}
  packageReceived(): void {}
  packageRejected(): void {}
  packageFailed(): void {}
  publishConfirmed(): void {}
  consumerSettled(): void {}
  signatureVerified(): void {}
  observeOutbox(): void {}
  observeCertificates(): void {}
}

/** Seconds elapsed since `start` (a `performance.now()` reading). */
export function secondsSince(start: number): number {
  return (performance.now() - start) / 1000;
}
