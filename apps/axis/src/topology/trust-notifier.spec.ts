import { Logger } from '@nestjs/common';
import type { TrustNotification } from '@lienthong/protocol';
import type { BusRepository } from '../bus/bus.repository';
import type { TopologyService } from './topology.service';
import { NOTIFY_WAIT_MS, TrustNotifier } from './trust-notifier';

const crlUpdated: TrustNotification = {
  type: 'crl-updated',
  crlNumber: '7',
  thisUpdate: '2026-11-27T00:00:00.000Z',
};

function setup() {
  const calls: string[] = [];
  const bus = {
    publishNotification: jest.fn(async (n: TrustNotification): Promise<void> => {
      calls.push(`publish ${n.type}`);
    }),
  };
  const topology = { ensureCore: jest.fn(async () => void calls.push('core')) };
  const notifier = new TrustNotifier(bus as unknown as BusRepository, topology as unknown as TopologyService);
  const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
  return { notifier, bus, topology, calls, warn };
}

describe('TrustNotifier', () => {
  afterEach(() => {
    jest.restoreAllMocks();
    jest.useRealTimers();
  });

  it('publishes through the bus port once the core topology is there', async () => {
    const { notifier, bus, calls, warn } = setup();
    await notifier.notify(crlUpdated);
    expect(calls).toEqual(['core', 'publish crl-updated']);
    expect(bus.publishNotification).toHaveBeenCalledWith(crlUpdated);
    expect(warn).not.toHaveBeenCalled();
  });

  it('logs a failed publish and never throws', async () => {
    const { notifier, bus, topology, warn } = setup();
    bus.publishNotification.mockRejectedValueOnce(new Error('not connected to the broker'));
    await expect(
      notifier.notify({ type: 'directory-updated', agencyCode: '000.00.00.H41', change: 'suspended' }),
    ).resolves.toBeUndefined();
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/000\.00\.00\.H41 suspended.*not connected/));
    topology.ensureCore.mockRejectedValueOnce(new Error('broker down'));
    await expect(notifier.notify(crlUpdated)).resolves.toBeUndefined();
    expect(warn).toHaveBeenLastCalledWith(expect.stringMatching(/CRL 7.*broker down/));
  });

  it('stops waiting for a broker that does not confirm', async () => {
    jest.useFakeTimers();
    const { notifier, bus, warn } = setup();
    let confirm!: () => void;
    bus.publishNotification.mockReturnValueOnce(new Promise<void>((resolve) => (confirm = resolve)));
    let done = false;
    const notifying = notifier.notify(crlUpdated).then(() => (done = true));
    await jest.advanceTimersByTimeAsync(NOTIFY_WAIT_MS - 1);
    expect(done).toBe(false);
    await jest.advanceTimersByTimeAsync(1);
    await notifying;
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/not confirmed within/));
    confirm(); // the late confirm changes nothing
  });
});
