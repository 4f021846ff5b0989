import { Registry } from 'prom-client';
import { ExchangeMetrics, NoopExchangeMetrics } from './exchange-metrics';
import { PrometheusExchangeMetrics } from './prometheus-exchange-metrics';

/** The value of one series in the text format, e.g. `lienthong_documents_sent_total{agency="G22",kind="edoc"}`. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('PrometheusExchangeMetrics', () => {
  const G22 = '000.00.00.G22';
  const H41 = '000.00.00.H41';

  function metrics() {
    return new PrometheusExchangeMetrics({ defaultMetrics: false });
  }

  it('counts packages sent, received, rejected and failed by agency', async () => {
    const m = metrics();
    m.packageSent(G22, 'edoc');
    m.packageSent(G22, 'edoc');
    m.packageSent(H41, 'status');
    m.packageReceived(H41, 'edoc');
    m.packageRejected(H41, 'SIGNATURE_INVALID');
    m.packageFailed(G22, 'UNROUTABLE');
    const text = await m.metrics();
    expect(sample(text, `lienthong_documents_sent_total{agency="${G22}",kind="edoc"}`)).toBe(2);
    expect(sample(text, `lienthong_documents_sent_total{agency="${H41}",kind="status"}`)).toBe(1);
    expect(sample(text, `lienthong_documents_received_total{agency="${H41}",kind="edoc"}`)).toBe(1);
    expect(
      sample(text, `lienthong_documents_rejected_total{agency="${H41}",reason="SIGNATURE_INVALID"}`),
    ).toBe(1);
    expect(sample(text, `lienthong_documents_failed_total{agency="${G22}",reason="UNROUTABLE"}`)).toBe(1);
  });

  it('records publish-confirm latency in a histogram, consumer outcomes and verifications', async () => {
    const m = metrics();
    m.publishConfirmed('documents', 'routed', 0.002);
    m.publishConfirmed('documents', 'routed', 0.2);
    m.consumerSettled('inbox', 'ack');
    m.consumerSettled('inbox', 'retry');
    m.consumerSettled('inbox', 'dead-letter');
    m.signatureVerified('ok');
    m.signatureVerified('invalid', 'CERTIFICATE_REVOKED');
    const text = await m.metrics();
    const confirm = 'lienthong_bus_publish_confirm_seconds';
    expect(sample(text, `${confirm}_count{exchange="documents",outcome="routed"}`)).toBe(2);
    expect(sample(text, `${confirm}_bucket{le="0.0025",exchange="documents",outcome="routed"}`)).toBe(1);
    expect(sample(text, `${confirm}_sum{exchange="documents",outcome="routed"}`)).toBeCloseTo(0.202);
    for (const outcome of ['ack', 'retry', 'dead-letter']) {
      expect(
        sample(text, `lienthong_bus_consumer_messages_total{consumer="inbox",outcome="${outcome}"}`),
      ).toBe(1);
    }
    expect(sample(text, 'lienthong_signature_verifications_total{result="ok",code=""}')).toBe(1);
    expect(
      sample(text, 'lienthong_signature_verifications_total{result="invalid",code="CERTIFICATE_REVOKED"}'),
    ).toBe(1);
  });

  it('reads the outbox backlog on scrape, once for both gauges', async () => {
    const m = metrics();
    const source = jest.fn().mockResolvedValue({ pending: 3, oldestPendingSeconds: 12.5 });
    m.observeOutbox(source);
    const text = await m.metrics();
    expect(sample(text, 'lienthong_outbox_pending')).toBe(3);
    expect(sample(text, 'lienthong_outbox_oldest_pending_seconds')).toBe(12.5);
    expect(source).toHaveBeenCalledTimes(1);

    source.mockResolvedValue({ pending: 0 });
    const empty = await m.metrics();
    expect(sample(empty, 'lienthong_outbox_pending')).toBe(0);
    expect(sample(empty, 'lienthong_outbox_oldest_pending_seconds')).toBe(0);
  });

  it('reports the outbox as unknown (NaN), and the scrape still works, when the database cannot answer', async () => {
    const m = metrics();
    m.observeOutbox(() => Promise.reject(new Error('connection refused')));
    m.packageSent(G22, 'edoc');
    const text = await m.metrics();
    expect(sample(text, 'lienthong_outbox_pending')).toBeNaN();
    expect(sample(text, `lienthong_documents_sent_total{agency="${G22}",kind="edoc"}`)).toBe(1);
  });

  it('reports seconds to expiry of every certificate from every source, current on each scrape', async () => {
    const m = metrics();
    const inDays = (days: number) => new Date(Date.now() + days * 86_400_000);
    let agencies = [{ kind: 'agency' as const, agency: G22, serial: 'AB01', notAfter: inDays(30) }];
    m.observeCertificates(() => agencies);
    m.observeCertificates(async () => [{ kind: 'ca', agency: '', serial: 'CA01', notAfter: inDays(3650) }]);
    m.observeCertificates(() => Promise.reject(new Error('down')));
    const text = await m.metrics();
    const g22 = sample(
      text,
      `lienthong_certificate_expiry_seconds{kind="agency",agency="${G22}",serial="AB01"}`,
    );
    expect(g22).toBeGreaterThan(30 * 86_400 - 60);
    expect(g22).toBeLessThanOrEqual(30 * 86_400);
    expect(
      sample(text, 'lienthong_certificate_expiry_seconds{kind="ca",agency="",serial="CA01"}'),
    ).toBeGreaterThan(3649 * 86_400);

    agencies = []; // the agency left: its series goes
    expect(await m.metrics()).not.toContain(`agency="${G22}"`);
  });

  it('keeps each app in a registry of its own, with process metrics and default labels', async () => {
    const node = new PrometheusExchangeMetrics({ defaultLabels: { app: 'node' } });
    const axis = new PrometheusExchangeMetrics({ defaultLabels: { app: 'axis' } });
    node.packageSent(G22, 'edoc');
    const nodeText = await node.metrics();
    const axisText = await axis.metrics();
    expect(sample(nodeText, `lienthong_documents_sent_total{agency="${G22}",kind="edoc",app="node"}`)).toBe(
      1,
    );
    expect(axisText).not.toContain(`agency="${G22}"`);
    expect(nodeText).toContain('process_cpu_user_seconds_total');
    expect(nodeText).toContain('nodejs_eventloop_lag_seconds');
    expect(node.contentType).toContain('text/plain');
    // Nothing leaks into prom-client's global registry.
    expect(await new Registry().metrics()).toBe('\n');
  });

  it('has a no-op stand-in for specs that do not look at metrics', () => {
    const noop: ExchangeMetrics = new NoopExchangeMetrics();
    expect(() => {
      noop.packageSent(G22, 'edoc');
      noop.publishConfirmed('documents', 'error', 1);
      noop.observeOutbox(() => Promise.resolve({ pending: 0 }));
    }).not.toThrow();
  });
});
