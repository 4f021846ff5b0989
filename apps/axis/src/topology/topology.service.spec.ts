import type { BusRepository } from '../bus/bus.repository';
import type { Agency } from '../directory/agency';
import type { AgencyRepository } from '../directory/agency.repository';
import { TopologyService } from './topology.service';

function setup(codes: string[]) {
  const calls: string[] = [];
  const bus = {
    declareCoreTopology: jest.fn(async () => void calls.push('core')),
    declareAgencyQueue: jest.fn(async (code: string) => void calls.push(code)),
  };
  const agencies = { list: jest.fn(async () => codes.map((code) => ({ code }) as Agency)) };
  const service = new TopologyService(
    bus as unknown as BusRepository,
    agencies as unknown as AgencyRepository,
  );
  return { service, bus, calls };
}

describe('TopologyService', () => {
  it('declares the core topology, then every known agency’s queue, at start', async () => {
    const { service, calls } = setup(['000.00.00.G22', '000.00.00.H41']);
    await service.onApplicationBootstrap();
    expect(calls).toEqual(['core', '000.00.00.G22', '000.00.00.H41']);
  });

  it('declares the core once per process, but tries again after a failure', async () => {
    const { service, bus } = setup([]);
    bus.declareCoreTopology.mockRejectedValueOnce(new Error('broker down'));
    await expect(service.ensureCore()).rejects.toThrow('broker down');
    await service.ensureCore();
    await service.ensureCore();
    expect(bus.declareCoreTopology).toHaveBeenCalledTimes(2);
  });

  it('turns a broker failure on registration into 503 BUS_UNAVAILABLE', async () => {
    const { service, bus } = setup([]);
    bus.declareAgencyQueue.mockRejectedValue(new Error('channel closed'));
    await expect(service.provisionAgency('000.00.00.H41')).rejects.toMatchObject({
      kind: 'unavailable',
      code: 'BUS_UNAVAILABLE',
    });
  });
});
