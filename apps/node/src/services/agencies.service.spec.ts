import { AppError } from '@lienthong/common';
import type { AxisClient } from '../ports/axis-client';
import type { InboxConsumers } from '../ports/inbox-consumers';
import { fakeAgencies, fakeCrypto, Mocked, TEST_CONFIG } from '../testing/unit-fakes';
import { AgenciesService } from './agencies.service';
import type { TrustStore } from './trust-store.service';

const G22 = '000.00.00.G22';
const H41 = '000.00.00.H41';

function setUp(mode: 'dedicated' | 'shared', hosted: string[] = []) {
  const agencies = fakeAgencies(...hosted);
  const crypto = fakeCrypto();
  crypto.checkCertificate.mockReturnValue({
    organId: H41,
    name: 'UBND tỉnh Nghệ An',
    serialNumber: '0A',
    notAfter: new Date(0),
  });
  const axis: Mocked<AxisClient> = {
    enroll: jest.fn(({ token }: { token: string }) =>
      token === 'good'
        ? Promise.resolve({ agencyCode: H41, certificatePem: 'CERT', caCertificatePem: 'CA' })
        : Promise.reject(AppError.invalid('ENROLLMENT_REFUSED', 'refused')),
    ),
    directory: jest.fn(),
    caCertificates: jest.fn(),
    crl: jest.fn(),
  };
  const consuming = new Set<string>();
  const consumers: Mocked<InboxConsumers> = {
    start: jest.fn((code: string) => Promise.resolve(void consuming.add(code))),
    stop: jest.fn((code: string) => Promise.resolve(void consuming.delete(code))),
    isConsuming: jest.fn((code: string) => consuming.has(code)),
    agencyOf: jest.fn(),
  };
  const trust = { addAnchor: jest.fn(), refresh: jest.fn(() => Promise.resolve()) };
  const service = new AgenciesService(agencies, axis, crypto, consumers, trust as unknown as TrustStore, {
    ...TEST_CONFIG,
    mode,
  });
  return { service, agencies, crypto, axis, consumers, trust };
}

describe('AgenciesService', () => {
  it('makes a key, enrolls its CSR, stores the encrypted key and certificate, and consumes the inbox at once', async () => {
    const { service, agencies, axis, consumers, trust } = setUp('shared');
    const view = await service.host(H41, 'good');
    expect(axis.enroll).toHaveBeenCalledWith({ token: 'good', nodeId: 'node-test', csrPem: 'CSR' });
    expect(agencies.save).toHaveBeenCalledWith(
      expect.objectContaining({
        code: H41,
        name: 'UBND tỉnh Nghệ An',
        keyPem: 'NEW KEY',
        certificatePem: 'CERT',
        state: 'active',
      }),
    );
    expect(trust.addAnchor).toHaveBeenCalledWith('CA');
    expect(consumers.start).toHaveBeenCalledWith(H41);
    expect(view).toMatchObject({ code: H41, consuming: true });
  });

  it('refuses a second agency in dedicated mode (409) before asking the axis', async () => {
    const { service, axis } = setUp('dedicated', [G22]);
    await expect(service.host(H41, 'good')).rejects.toMatchObject({
      kind: 'conflict',
      code: 'DEDICATED_NODE_OCCUPIED',
    });
    expect(axis.enroll).not.toHaveBeenCalled();
  });

  it('refuses an agency already hosted, and stores nothing when the axis refuses', async () => {
    const hosted = setUp('shared', [H41]);
    await expect(hosted.service.host(H41, 'good')).rejects.toMatchObject({ code: 'AGENCY_ALREADY_HOSTED' });
    const refused = setUp('shared');
    await expect(refused.service.host(H41, 'bad')).rejects.toMatchObject({ code: 'ENROLLMENT_REFUSED' });
    expect(refused.agencies.save).not.toHaveBeenCalled();
  });

  it('still hosts the agency when its queue is not there yet, and retries consuming later', async () => {
    const { service, consumers, agencies } = setUp('shared');
    consumers.start.mockRejectedValueOnce(new Error('NOT_FOUND - no queue'));
    await expect(service.host(H41, 'good')).resolves.toMatchObject({ consuming: false });
    expect(agencies.save).toHaveBeenCalled();
  });

  it('stops consuming a removed agency; removing an unknown one is 404', async () => {
    const { service, consumers, agencies } = setUp('shared', [H41]);
    await service.remove(H41);
    expect(consumers.stop).toHaveBeenCalledWith(H41);
    agencies.markRemoved.mockResolvedValueOnce(false);
    await expect(service.remove(G22)).rejects.toMatchObject({ code: 'AGENCY_NOT_FOUND' });
  });

  it('resumes consumers for every hosted agency at start', async () => {
    const { service, consumers } = setUp('shared', [G22, H41]);
    await service.resumeConsumers();
    service.onModuleDestroy();
    expect(consumers.start.mock.calls.map((c) => c[0])).toEqual([G22, H41]);
  });

  it('keeps the only agency of a dedicated node (409); a shared node may remove its last one', async () => {
    const dedicated = setUp('dedicated', [G22]);
    await expect(dedicated.service.remove(G22)).rejects.toMatchObject({
      kind: 'conflict',
      code: 'DEDICATED_NODE_LAST_AGENCY',
    });
    expect(dedicated.agencies.markRemoved).not.toHaveBeenCalled();
    expect(dedicated.consumers.stop).not.toHaveBeenCalled();
    // An agency it does not host is still 404, not 409.
    dedicated.agencies.markRemoved.mockResolvedValueOnce(false);
    await expect(dedicated.service.remove(H41)).rejects.toMatchObject({ code: 'AGENCY_NOT_FOUND' });

    const shared = setUp('shared', [H41]);
    await expect(shared.service.remove(H41)).resolves.toBeUndefined();
    expect(shared.consumers.stop).toHaveBeenCalledWith(H41);
  });
});
