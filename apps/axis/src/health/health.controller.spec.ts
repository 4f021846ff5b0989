import { Test } from '@nestjs/testing';
import { TerminusModule } from '@nestjs/terminus';
import type { Response } from 'express';
import { BusRepository } from '../bus/bus.repository';
import { TraceConsumer } from '../tracking/trace.consumer';
import { DatabaseRepository } from './database.repository';
import { HealthController } from './health.controller';
import { HealthService } from './health.service';

describe('axis health', () => {
  async function controller(database: () => Promise<void>, bus: () => Promise<void>, consuming = true) {
    const moduleRef = await Test.createTestingModule({
      imports: [TerminusModule.forRoot({ logger: false })],
      controllers: [HealthController],
      providers: [
        HealthService,
        { provide: DatabaseRepository, useValue: { ping: database } },
        { provide: BusRepository, useValue: { ping: bus } },
        { provide: TraceConsumer, useValue: { consuming } },
      ],
    }).compile();
    return moduleRef.get(HealthController);
  }

  const up = () => Promise.resolve();
  const down = () => Promise.reject(new Error('connection refused'));
  const response = () => ({ status: jest.fn() }) as unknown as Response & { status: jest.Mock };

  it('reports the process live without asking its dependencies', async () => {
    await expect((await controller(down, down)).live()).resolves.toMatchObject({ status: 'ok' });
  });

  it('is ready when the database and the broker answer and the trace queue is consumed', async () => {
    const res = response();
    await expect((await controller(up, up)).ready(res)).resolves.toMatchObject({
      status: 'ok',
      info: { database: { status: 'up' }, bus: { status: 'up' }, consumers: { status: 'up' } },
    });
    expect(res.status).not.toHaveBeenCalled();
  });

  it('is not ready (503 NOT_READY), saying which dependency is down', async () => {
    const res = response();
    const body = await (await controller(up, down)).ready(res);
    expect(res.status).toHaveBeenCalledWith(503);
    expect(body).toMatchObject({
      statusCode: 503,
      code: 'NOT_READY',
      status: 'error',
      error: { bus: { status: 'down', message: 'connection refused' } },
      details: { database: { status: 'up' }, bus: { status: 'down' } },
    });
  });

  it('is not ready while the trace queue is not consumed', async () => {
    const res = response();
    const body = await (await controller(up, up, false)).ready(res);
    expect(res.status).toHaveBeenCalledWith(503);
    expect(body.error).toEqual({ consumers: expect.objectContaining({ status: 'down' }) });
  });
});
