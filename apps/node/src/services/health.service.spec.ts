import { HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { Test } from '@nestjs/testing';
import { TerminusModule } from '@nestjs/terminus';
import type { MessageBus } from '@lienthong/bus';
import { checkReadiness } from '@lienthong/observability';
import type { Response } from 'express';
import type { InboxConsumers } from '../ports/inbox-consumers';
import type { DatabaseProbe } from '../repositories/database-probe';
import type { HostedAgencyRepository } from '../repositories/hosted-agency.repository';
import { fakeOutbox } from '../testing/unit-fakes';
import { HealthService, OUTBOX_STALE_SECONDS } from './health.service';

async function setUp(options: { db?: boolean; connected?: boolean; oldest?: number; consuming?: boolean }) {
  const database = {
    ping: jest.fn(() => (options.db === false ? Promise.reject(new Error('down')) : Promise.resolve())),
  } as unknown as DatabaseProbe;
  const outbox = fakeOutbox();
  outbox.backlog.mockResolvedValue({ pending: 1, oldestPendingSeconds: options.oldest ?? 1 });
  const bus = { connected: options.connected ?? true } as unknown as MessageBus;
  const agencies = {
    listActive: jest.fn().mockResolvedValue([{ code: '000.00.00.G22' }]),
  } as unknown as HostedAgencyRepository;
  const consumers = { isConsuming: () => options.consuming ?? true } as unknown as InboxConsumers;
  const moduleRef = await Test.createTestingModule({
    imports: [TerminusModule.forRoot({ logger: false })],
  }).compile();
  const service = new HealthService(
    database,
    outbox,
    bus,
    agencies,
    consumers,
    moduleRef.get(HealthIndicatorService),
  );
  const response = { status: jest.fn() } as unknown as Response & { status: jest.Mock };
  const body = await checkReadiness(moduleRef.get(HealthCheckService), service.readinessChecks(), response);
  return { body, response };
}

describe('HealthService', () => {
  it('is ready with a database, a broker connection, its inboxes consumed and an outbox that keeps up', async () => {
    const { body, response } = await setUp({});
    expect(response.status).not.toHaveBeenCalled();
    expect(body).toMatchObject({
      status: 'ok',
      info: {
        database: { status: 'up' },
        bus: { status: 'up' },
        consumers: { status: 'up', agencies: 1 },
        outbox: { status: 'up', pending: 1, oldestPendingSeconds: 1 },
      },
    });
  });

  it.each([
    ['the database is down', { db: false }, 'database'],
    ['the broker connection is lost', { connected: false }, 'bus'],
    ['an inbox is not consumed', { consuming: false }, 'consumers'],
    ['the outbox falls behind', { oldest: OUTBOX_STALE_SECONDS + 1 }, 'outbox'],
  ])('is not ready (503 NOT_READY) when %s', async (_, options, check) => {
    const { body, response } = await setUp(options);
    expect(response.status).toHaveBeenCalledWith(503);
    expect(body).toMatchObject({ statusCode: 503, code: 'NOT_READY', status: 'error' });
    expect(Object.keys(body.error ?? {})).toEqual([check]);
    expect(body.message).toContain(check);
  });
});
