import { InMemoryMessageBus } from '@lienthong/bus';
import { AppError } from '@lienthong/common';
import { waitFor } from '../../../../test/support/wait-for';
import type { AxisClient } from '../ports/axis-client';
import type { TrustCacheRepository } from '../repositories/trust-cache.repository';
import { FakeAxis } from '../testing/fake-axis';
import { fakeAgencies, Mocked, TEST_CONFIG } from '../testing/unit-fakes';
import { TrustStore } from './trust-store.service';

function memoryCache(
  initial: Record<string, string> = {},
): Mocked<TrustCacheRepository> & { data: Record<string, string> } {
  const data = { ...initial };
  return {
    data,
    load: jest.fn(() => Promise.resolve({ ...data })),
    save: jest.fn((name: string, content: string) => Promise.resolve(void (data[name] = content))),
  };
}

let bus: InMemoryMessageBus;
beforeEach(async () => {
  bus = new InMemoryMessageBus();
  await bus.assertCoreTopology();
});
afterEach(() => bus.close());

describe('TrustStore', () => {
  let store: TrustStore | undefined;
  afterEach(() => store?.onModuleDestroy());

  it('loads the CA, CRL and directory from the axis and keeps them for restarts', async () => {
    const axis = new FakeAxis();
    await axis.register('000.00.00.H41', 'UBND tỉnh Nghệ An');
    const cache = memoryCache();
    store = new TrustStore(axis, cache, fakeAgencies(), TEST_CONFIG, bus);
    await store.onApplicationBootstrap();
    expect(store.material()?.anchorPems).toHaveLength(1);
    expect(store.material()?.crlPems).toHaveLength(1);
    expect(store.findActive('000.00.00.H41')).toMatchObject({ name: 'UBND tỉnh Nghệ An' });
    expect(Object.keys(cache.data).sort()).toEqual(['ca', 'crl', 'directory']);
  });

  it('keeps the last good copy when the axis is unreachable, also across a restart', async () => {
    const axis = new FakeAxis();
    await axis.register('000.00.00.H41', 'UBND tỉnh Nghệ An');
    const cache = memoryCache();
    store = new TrustStore(axis, cache, fakeAgencies(), TEST_CONFIG, bus);
    await store.onApplicationBootstrap();
    axis.reachable = false;
    await store.refresh();
    expect(store.findActive('000.00.00.H41')).toBeDefined();
    store.onModuleDestroy();

    store = new TrustStore(axis, cache, fakeAgencies(), TEST_CONFIG, bus);
    await store.onApplicationBootstrap();
    expect(store.material()?.anchorPems).toEqual([axis.ca.certPem.trim()]);
    expect(store.findActive('000.00.00.H41')).toBeDefined();
  });

  it('has nothing to verify with, and no directory, before the first successful fetch', async () => {
    const down: Mocked<AxisClient> = {
      enroll: jest.fn(),
      directory: jest.fn(() => Promise.reject(new AppError('unavailable', 'AXIS_UNAVAILABLE', 'down'))),
      caCertificates: jest.fn(() => Promise.reject(new Error('down'))),
      crl: jest.fn(() => Promise.reject(new Error('down'))),
    };
    store = new TrustStore(down, memoryCache(), fakeAgencies(), TEST_CONFIG, bus);
    await store.onApplicationBootstrap();
    expect(store.material()).toBeUndefined();
    expect(() => store!.directory()).toThrow(expect.objectContaining({ code: 'DIRECTORY_UNAVAILABLE' }));
  });
});

describe('TrustStore notifications', () => {
  it('refreshes at once when the axis announces a new CRL, long before the next poll', async () => {
    const axis = new FakeAxis();
    const store = new TrustStore(axis, memoryCache(), fakeAgencies(), TEST_CONFIG, bus);
    try {
      await store.onApplicationBootstrap();
      const crlCalls = jest.spyOn(axis, 'crl');
      await bus.publishNotification({
        type: 'crl-updated',
        body: { type: 'crl-updated', crlNumber: '2', thisUpdate: new Date().toISOString() },
      });
      await waitFor('a CRL fetch', async () => (crlCalls.mock.calls.length > 0 ? true : undefined));
      expect(TEST_CONFIG.trustRefreshSeconds).toBeGreaterThanOrEqual(60);
    } finally {
      await store.onModuleDestroy();
    }
  });

  it('ignores a notification it cannot read, and keeps listening', async () => {
    const axis = new FakeAxis();
    const store = new TrustStore(axis, memoryCache(), fakeAgencies(), TEST_CONFIG, bus);
    try {
      await store.onApplicationBootstrap();
      const directoryCalls = jest.spyOn(axis, 'directory');
      await bus.publishNotification({ type: 'crl-updated', body: Buffer.from('not json') });
      await axis.register('000.00.00.H57', 'UBND tỉnh Thừa Thiên Huế');
      await bus.publishNotification({
        type: 'directory-updated',
        body: { type: 'directory-updated', agencyCode: '000.00.00.H57', change: 'registered' },
      });
      await waitFor('the new agency', async () => store.findActive('000.00.00.H57'));
      expect(directoryCalls).toHaveBeenCalledTimes(1);
    } finally {
      await store.onModuleDestroy();
    }
  });
});

describe('TrustStore.refreshAfterMiss', () => {
  it('finds an agency registered after the last refresh, with one axis call for many misses', async () => {
    const axis = new FakeAxis();
    const store = new TrustStore(axis, memoryCache(), fakeAgencies(), TEST_CONFIG, bus);
    try {
      await store.onApplicationBootstrap();
      await axis.register('000.00.00.H57', 'UBND tỉnh Thừa Thiên Huế');
      expect(store.findActive('000.00.00.H57')).toBeUndefined();
      const directoryCalls = jest.spyOn(axis, 'directory');
      await Promise.all([store.refreshAfterMiss(), store.refreshAfterMiss(), store.refreshAfterMiss()]);
      expect(store.findActive('000.00.00.H57')).toMatchObject({ name: 'UBND tỉnh Thừa Thiên Huế' });
      expect(directoryCalls).toHaveBeenCalledTimes(1);
    } finally {
      store.onModuleDestroy();
    }
  });
});
