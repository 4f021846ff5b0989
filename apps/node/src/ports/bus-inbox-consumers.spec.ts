import { BusTransportServer, InMemoryMessageBus } from '@lienthong/bus';
import { BusInboxConsumers } from './bus-inbox-consumers';

const H41 = '000.00.00.H41';
const quiet = { log: () => undefined, warn: () => undefined, error: () => undefined };

describe('BusInboxConsumers', () => {
  it("serves an agency's inbox queue once, knows whose queue it is, and stops serving it", async () => {
    const bus = new InMemoryMessageBus({ logger: quiet });
    const transport = new BusTransportServer(bus);
    const consumers = new BusInboxConsumers(transport, bus);
    const queue = bus.topology.agencyInbox(H41);

    await consumers.start(H41);
    await consumers.start(H41);
    expect(transport.queues).toEqual([queue]);
    expect(consumers.isConsuming(H41)).toBe(true);
    expect(consumers.agencyOf(queue)).toBe(H41);

    await consumers.stop(H41);
    expect(consumers.isConsuming(H41)).toBe(false);
    expect(consumers.agencyOf(queue)).toBeUndefined();
    await bus.close();
  });
});
