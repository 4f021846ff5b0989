import type { IncomingMessage } from '@lienthong/bus';
import { HeartbeatService, livenessOf } from './heartbeat.service';
import type { NodeHeartbeatRepository } from './node-heartbeat.repository';

const heartbeat = {
  type: 'heartbeat',
  nodeId: 'node-vpcp',
  mode: 'dedicated',
  agencies: ['000.00.00.G22'],
  intervalSeconds: 30,
  sentAt: '2026-11-27T08:00:00Z',
};

function message(body: unknown): IncomingMessage {
  return {
    body: Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)),
    messageId: 'm',
    routingKey: 'heartbeat',
    headers: {},
    attempt: 1,
    redelivered: false,
    queue: 'axis.trace.events',
  };
}

describe('HeartbeatService', () => {
  const record = jest.fn();
  const service = new HeartbeatService({ record, list: jest.fn() } as unknown as NodeHeartbeatRepository);
  beforeEach(() => record.mockReset());

  it('stores a heartbeat and acks it', async () => {
    record.mockResolvedValue(undefined);
    await expect(service.handle(message(heartbeat))).resolves.toEqual({ action: 'ack' });
    expect(record).toHaveBeenCalledWith(heartbeat, expect.any(Date));
  });

  it('dead-letters what is not a heartbeat', async () => {
    await expect(service.handle(message({ ...heartbeat, mode: 'x' }))).resolves.toMatchObject({
      action: 'dead-letter',
    });
    expect(record).not.toHaveBeenCalled();
  });

  it('drops a heartbeat the database refuses: the next one will do', async () => {
    record.mockRejectedValue(new Error('database is down'));
    await expect(service.handle(message(heartbeat))).resolves.toEqual({ action: 'ack' });
  });
});

describe('livenessOf', () => {
  const receivedAt = new Date('2026-11-27T08:00:00Z');
  const at = (seconds: number) => new Date(receivedAt.getTime() + seconds * 1000);
  it('is up within two intervals, late within five, down after', () => {
    expect(livenessOf({ receivedAt, intervalSeconds: 30 }, at(60))).toBe('up');
    expect(livenessOf({ receivedAt, intervalSeconds: 30 }, at(61))).toBe('late');
    expect(livenessOf({ receivedAt, intervalSeconds: 30 }, at(150))).toBe('late');
    expect(livenessOf({ receivedAt, intervalSeconds: 30 }, at(151))).toBe('down');
  });
});
