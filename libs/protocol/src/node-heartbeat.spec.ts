import { parseNodeHeartbeat } from './node-heartbeat';

const valid = {
  type: 'heartbeat',
  nodeId: 'node-shared',
  mode: 'shared',
  agencies: ['000.00.00.H41', '000.00.00.H57'],
  intervalSeconds: 30,
  sentAt: '2026-11-27T08:00:00Z',
};

describe('parseNodeHeartbeat', () => {
  it('reads a heartbeat', () => {
    expect(parseNodeHeartbeat(Buffer.from(JSON.stringify({ ...valid, extra: 1 })))).toEqual(valid);
  });

  it('refuses anything else', () => {
    expect(parseNodeHeartbeat('{')).toBeUndefined();
    expect(parseNodeHeartbeat(JSON.stringify({ ...valid, type: 'trace' }))).toBeUndefined();
    expect(parseNodeHeartbeat(JSON.stringify({ ...valid, mode: 'both' }))).toBeUndefined();
    expect(parseNodeHeartbeat(JSON.stringify({ ...valid, agencies: ['a b'] }))).toBeUndefined();
    expect(parseNodeHeartbeat(JSON.stringify({ ...valid, intervalSeconds: 0 }))).toBeUndefined();
    expect(parseNodeHeartbeat(JSON.stringify({ ...valid, sentAt: 'now' }))).toBeUndefined();
    expect(parseNodeHeartbeat(JSON.stringify({ ...valid, nodeId: '' }))).toBeUndefined();
  });
});
