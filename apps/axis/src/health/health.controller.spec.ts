import { Test } from '@nestjs/testing';
import { AppError } from '@lienthong/common';
import { BusRepository } from '../bus/bus.repository';
import { DatabaseRepository } from './database.repository';
import { HealthController } from './health.controller';
import { HealthService } from './health.service';

describe('axis health', () => {
  async function controller(database: () => Promise<void>, bus: () => Promise<void>) {
    const moduleRef = await Test.createTestingModule({
      controllers: [HealthController],
      providers: [
        HealthService,
        { provide: DatabaseRepository, useValue: { ping: database } },
        { provide: BusRepository, useValue: { ping: bus } },
      ],
    }).compile();
    return moduleRef.get(HealthController);
  }

  const up = () => Promise.resolve();
  const down = () => Promise.reject(new Error('connection refused'));

  it('reports the process live without asking its dependencies', async () => {
    expect((await controller(down, down)).live()).toEqual({ status: 'ok' });
  });

  it('is ready when the database and the broker answer', async () => {
    await expect((await controller(up, up)).ready()).resolves.toEqual({
      status: 'ok',
      checks: { database: 'up', bus: 'up' },
    });
  });

  it('is not ready, saying which dependency is down', async () => {
    const error = await (await controller(up, down)).ready().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({
      kind: 'unavailable',
      code: 'NOT_READY',
      details: { checks: { database: 'up', bus: 'down' } },
    });
  });
});
