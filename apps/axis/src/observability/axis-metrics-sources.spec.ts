import { createRootCa } from '@lienthong/pki';
import { recordingMetrics } from '@lienthong/observability/testing/recording-metrics';
import type { CaService } from '../certificates/ca.service';
import { AxisMetricsSources } from './axis-metrics-sources';
import type { CertificateExpiryRepository } from './certificate-expiry.repository';

describe('AxisMetricsSources', () => {
  const ours = createRootCa({ commonName: 'Axis CA', notAfter: new Date('2036-01-01T00:00:00Z') });
  const anchor = createRootCa({ commonName: 'Government CA', notAfter: new Date('2031-06-01T00:00:00Z') });

  function setUp(bundle: () => string) {
    const metrics = recordingMetrics();
    const certificates = {
      listCurrent: jest
        .fn()
        .mockResolvedValue([
          { agency: '000.00.00.G22', serial: 'AB01', notAfter: new Date('2027-01-01T00:00:00Z') },
        ]),
    } as unknown as CertificateExpiryRepository;
    const sources = new AxisMetricsSources(metrics, certificates, {
      trustBundlePem: bundle,
    } as unknown as CaService);
    sources.onModuleInit();
    return { metrics, sources };
  }

  it('reports every agency certificate and every trusted CA', async () => {
    const { metrics } = setUp(() => ours.certPem + anchor.certPem);
    const [agencies, authorities] = metrics.observeCertificates.mock.calls.map(([source]) => source);
    await expect(agencies()).resolves.toEqual([
      { kind: 'agency', agency: '000.00.00.G22', serial: 'AB01', notAfter: new Date('2027-01-01T00:00:00Z') },
    ]);
    const cas = await authorities();
    expect(cas.map((c) => [c.kind, c.agency, c.notAfter.toISOString()])).toEqual([
      ['ca', '', '2036-01-01T00:00:00.000Z'],
      ['ca', '', '2031-06-01T00:00:00.000Z'],
    ]);
    expect(cas[0].serial).toMatch(/^[0-9A-F]+$/);
  });

  it('reports no CA before the CA is loaded', () => {
    const { sources } = setUp(() => {
      throw new Error('CA_NOT_LOADED');
    });
    expect(sources.certificateAuthorities()).toEqual([]);
  });
});
