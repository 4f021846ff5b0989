import type { MessageBus } from '@lienthong/bus';
import type { DatabaseProbe } from '../repositories/database-probe';
import { fakeOutbox } from '../testing/unit-fakes';
import { HealthService, OUTBOX_STALE_SECONDS } from './health.service';

function setUp(options: { db?: boolean; connected?: boolean; oldest?: number }) {
  const database = {
    ping: jest.fn(() => (options.db === false ? Promise.reject(new Error('down')) : Promise.resolve())),
  } as unknown as DatabaseProbe;
  const outbox = fakeOutbox();
  outbox.backlog.mockResolvedValue({ pending: 1, oldestPendingSeconds: options.oldest ?? 1 });
  const bus = { connected: options.connected ?? true } as unknown as MessageBus;
  return new HealthService(database, outbox, bus);
}

describe('HealthService', () => {
  it('is ready with a database, a broker connection and an outbox that keeps up', async () => {
    await expect(setUp({}).readiness()).resolves.toMatchObject({ ready: true });
  });

  it.each([
    ['the database is down', { db: false }],
    ['the broker connection is lost', { connected: false }],
    ['the outbox falls behind', { oldest: OUTBOX_STALE_SECONDS + 1 }],
  ])('is not ready when %s', async (_, options) => {
    await expect(setUp(options).readiness()).resolves.toMatchObject({ ready: false });
  });
});
