import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import {
  CertificateExpirySource,
  ConsumerOutcome,
  ExchangeMetrics,
  OutboxBacklogSource,
  PackageKind,
  PublishOutcome,
  VerificationResult,
} from './exchange-metrics';

/** Confirms take a millisecond or two on a healthy broker; the top buckets catch a stalled one (timeout 30 s). */
export const PUBLISH_CONFIRM_BUCKETS = [
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30,
];

export interface PrometheusMetricsOptions {
  /** Process metrics (CPU, memory, event loop lag, GC, handles). Default true. */
  defaultMetrics?: boolean;
  /** Added to every series of this registry, e.g. `{ app: 'node' }`. */
  defaultLabels?: Record<string, string>;
}

/**
 * {@link ExchangeMetrics} on a prom-client Registry of its own, never the global one: several apps in
 * one process (tests, the embedded sandbox) each keep their own series. Names and labels are
 * listed in docs/operations.md.
 */
export class PrometheusExchangeMetrics extends ExchangeMetrics {
  readonly registry: Registry;
  private readonly sent: Counter<'agency' | 'kind'>;
  private readonly received: Counter<'agency' | 'kind'>;
  private readonly rejected: Counter<'agency' | 'reason'>;
  private readonly failed: Counter<'agency' | 'reason'>;
  private readonly confirms: Histogram<'exchange' | 'outcome'>;
  private readonly consumed: Counter<'consumer' | 'outcome'>;
  private readonly verifications: Counter<'result' | 'code'>;
  private readonly outboxSources: OutboxBacklogSource[] = [];
  private readonly certificateSources: CertificateExpirySource[] = [];

  constructor(options: PrometheusMetricsOptions = {}, registry = new Registry()) {
    super();
    this.registry = registry;
    if (options.defaultLabels) registry.setDefaultLabels(options.defaultLabels);
    if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry });
    const registers = [registry];
    this.sent = new Counter({
      name: 'lienthong_documents_sent_total',
      help: 'Packages confirmed by the broker and routed to the recipient (one per recipient), by sending agency',
      labelNames: ['agency', 'kind'],
      registers,
    });
    this.received = new Counter({
      name: 'lienthong_documents_received_total',
      help: 'Packages stored for a recipient agency (duplicates not counted)',
      labelNames: ['agency', 'kind'],
      registers,
    });
    this.rejected = new Counter({
      name: 'lienthong_documents_rejected_total',
      help: 'Packages refused for a recipient agency (quarantined, answered 02), by reason code',
      labelNames: ['agency', 'reason'],
      registers,
    });
    this.failed = new Counter({
      name: 'lienthong_documents_failed_total',
      help: 'Documents that could not be delivered (no queue for the recipient), by sending agency',
      labelNames: ['agency', 'reason'],
      registers,
    });
    this.confirms = new Histogram({
      name: 'lienthong_bus_publish_confirm_seconds',
      help: 'Time from publishing a message to the broker confirm (or the failure)',
      labelNames: ['exchange', 'outcome'],
      buckets: PUBLISH_CONFIRM_BUCKETS,
      registers,
    });
    this.consumed = new Counter({
      name: 'lienthong_bus_consumer_messages_total',
      help: 'Consumed messages by how they were settled: ack, retry (back-off ladder) or dead-letter',
      labelNames: ['consumer', 'outcome'],
      registers,
    });
    this.verifications = new Counter({
      name: 'lienthong_signature_verifications_total',
      help: 'Package signature verifications by result (ok, invalid, unavailable) and reason code',
      labelNames: ['result', 'code'],
      registers,
    });
    this.registerOutboxGauges(registers);
    this.registerCertificateGauge(registers);
  }

  packageSent(agency: string, kind: PackageKind): void {
    this.sent.inc({ agency, kind });
  }

  packageReceived(agency: string, kind: PackageKind): void {
    this.received.inc({ agency, kind });
  }

  packageRejected(agency: string, reason: string): void {
    this.rejected.inc({ agency, reason });
  }

  packageFailed(agency: string, reason: string): void {
    this.failed.inc({ agency, reason });
  }

  publishConfirmed(exchange: string, outcome: PublishOutcome, seconds: number): void {
    this.confirms.observe({ exchange, outcome }, seconds);
  }

  consumerSettled(consumer: string, outcome: ConsumerOutcome): void {
    this.consumed.inc({ consumer, outcome });
  }

  signatureVerified(result: VerificationResult, code = ''): void {
    this.verifications.inc({ result, code });
  }

  observeOutbox(source: OutboxBacklogSource): void {
    this.outboxSources.push(source);
  }

  observeCertificates(source: CertificateExpirySource): void {
    this.certificateSources.push(source);
  }

  /** The text exposition format, as served at /metrics. */
  metrics(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  private registerOutboxGauges(registers: Registry[]): void {
    const sources = this.outboxSources;
    // One query feeds both gauges: the first collect of a scrape reads it, the second takes it.
    let sample: Promise<{ pending: number; oldest: number } | undefined> | undefined;
    let taken = 0;
    const read = () => {
      sample ??= (async () => {
        if (sources.length === 0) return { pending: 0, oldest: 0 };
        try {
          const samples = await Promise.all(sources.map((s) => s()));
          return {
            pending: samples.reduce((sum, s) => sum + s.pending, 0),
            oldest: Math.max(0, ...samples.map((s) => s.oldestPendingSeconds ?? 0)),
          };
        } catch {
          return undefined;
        }
      })();
      const current = sample;
      if (++taken === 2) {
        sample = undefined;
        taken = 0;
      }
      return current;
    };
    new Gauge({
      name: 'lienthong_outbox_pending',
      help: 'Outbox rows waiting to be published (read on scrape; NaN when the database did not answer)',
      registers,
      async collect() {
        const value = await read();
        this.set(value ? value.pending : NaN); // NaN: unknown (the database did not answer)
      },
    });
    new Gauge({
      name: 'lienthong_outbox_oldest_pending_seconds',
      help: 'Age of the oldest outbox row waiting to be published; 0 when none (read on scrape)',
      registers,
      async collect() {
        const value = await read();
        this.set(value ? value.oldest : NaN);
      },
    });
  }

  private registerCertificateGauge(registers: Registry[]): void {
    const sources = this.certificateSources;
    new Gauge({
      name: 'lienthong_certificate_expiry_seconds',
      help: 'Seconds until the certificate expires (negative once expired), read on scrape',
      labelNames: ['kind', 'agency', 'serial'],
      registers,
      async collect() {
        this.reset();
        const now = Date.now();
        for (const source of sources) {
          let samples;
          try {
            samples = await source();
          } catch {
            continue; // a source that cannot answer now leaves its certificates out of this scrape
          }
          for (const s of samples) {
            this.set(
              { kind: s.kind, agency: s.agency, serial: s.serial },
              Math.round((s.notAfter.getTime() - now) / 1000),
            );
          }
        }
      },
    });
  }
}
