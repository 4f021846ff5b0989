import type { IncomingMessage } from '@lienthong/bus';
import type { BusRepository } from '../bus/bus.repository';
import type { TopologyService } from '../topology/topology.service';
import { TraceConsumer } from '../tracking/trace.consumer';
import type { TrackingService } from '../tracking/tracking.service';
import type { HeartbeatService } from './heartbeat.service';

describe('the trace queue consumer and heartbeats', () => {
  it('hands a message with routing key "heartbeat" to the heartbeat service, not to tracking', async () => {
    const handle = jest.fn().mockResolvedValue({ action: 'ack' });
    const tracking = {} as TrackingService;
    const consumer = new TraceConsumer({} as BusRepository, {} as TopologyService, tracking, {
      handle,
    } as unknown as HeartbeatService);
    const message: IncomingMessage = {
      body: Buffer.from('{}'),
      messageId: 'm',
      routingKey: 'heartbeat',
      headers: {},
      attempt: 1,
      redelivered: false,
      queue: 'axis.trace.events',
    };
    await expect(consumer.handle(message)).resolves.toEqual({ action: 'ack' });
    expect(handle).toHaveBeenCalledWith(message);
  });
});
