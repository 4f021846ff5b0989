import { BusTopology } from './bus-topology';
import { topicMatches } from './topic-match';

describe('BusTopology', () => {
  const t = new BusTopology();

  it('names everything under the prefix', () => {
    expect(t.documentsExchange).toBe('axis.edoc');
    expect(t.deadLetterExchange).toBe('axis.dlx');
    expect(t.traceExchange).toBe('axis.trace');
    expect(t.traceQueue).toBe('axis.trace');
    expect(t.agencyInbox('000.00.00.H41')).toBe('axis.agency.000.00.00.H41.inbox');
    expect(t.agencyDeadLetterQueue('000.00.00.H41')).toBe('axis.agency.000.00.00.H41.dlq');
    expect(t.retryQueue(5000)).toBe('axis.retry.5000');
    expect(t.notificationExchange).toBe('axis.notify');
    expect(new BusTopology({ prefix: 'test-1a2b' }).documentsExchange).toBe('test-1a2b.edoc');
  });

  it('declares inboxes as quorum queues dead-lettering by agency code', () => {
    const [inbox, dlq] = t.agencyQueues('000.00.00.H41');
    expect(inbox.arguments).toEqual({
      'x-queue-type': 'quorum',
      'x-dead-letter-exchange': 'axis.dlx',
      'x-dead-letter-routing-key': '000.00.00.H41',
      'x-dead-letter-strategy': 'at-least-once',
      'x-overflow': 'reject-publish',
      'x-delivery-limit': 20,
    });
    expect(inbox.bindings).toEqual([{ exchange: 'axis.edoc', routingKey: '000.00.00.H41' }]);
    expect(dlq.bindings).toEqual([{ exchange: 'axis.dlx', routingKey: '000.00.00.H41' }]);
  });

  it('sends retried copies home through the default exchange after the delay', () => {
    expect(t.retryQueueSpec(1000).arguments).toMatchObject({
      'x-message-ttl': 1000,
      'x-dead-letter-exchange': '',
    });
    expect(t.retryQueueSpec(1000).arguments).not.toHaveProperty('x-dead-letter-routing-key');
    expect(t.coreExchanges()).toContainEqual({ name: 'axis.retry.1000', type: 'fanout' });
  });

  it('gives each notification subscriber an exclusive classic queue on the fanout exchange', () => {
    expect(t.coreExchanges()).toContainEqual({ name: 'axis.notify', type: 'fanout' });
    expect(t.coreQueues().map((q) => q.name)).not.toContain('axis.notify');
    expect(t.notificationQueueSpec('1a2b')).toEqual({
      name: 'axis.notify.1a2b',
      arguments: { 'x-queue-type': 'classic', 'x-max-length': 1000 },
      bindings: [{ exchange: 'axis.notify', routingKey: '' }],
      exclusive: true,
    });
    expect(() => t.notificationQueueSpec('a.b')).toThrow(/notification queue id/);
  });

  it('climbs the ladder and stays on its last rung', () => {
    expect([1, 2, 3, 4, 5, 9].map((n) => t.retryDelayAfter(n))).toEqual([
      1000, 5000, 30000, 120000, 120000, 120000,
    ]);
  });

  it('refuses names that would break routing', () => {
    for (const bad of ['', 'a.#', '*.H41', 'a..b', 'a b', 'trace']) {
      expect(() => t.agencyInbox(bad)).toThrow(/agency code/);
    }
    expect(() => new BusTopology({ prefix: 'a/b' })).toThrow(/prefix/);
    expect(() => new BusTopology({ retryDelaysMs: [] })).toThrow(/retry delays/);
    expect(() => new BusTopology({ retryDelaysMs: [0] })).toThrow(/retry delays/);
  });
});

describe('topicMatches', () => {
  it.each([
    ['000.00.00.H41', '000.00.00.H41', true],
    ['000.00.00.H41', '000.00.00.H42', false],
    ['#', 'anything.at.all', true],
    ['#', '', true],
    ['*.00.00.H41', '000.00.00.H41', true],
    ['*', 'a.b', false],
    ['a.#.z', 'a.z', true],
    ['a.#.z', 'a.b.c.z', true],
    ['a.#.z', 'a.b.c', false],
  ])('%s ~ %s → %s', (pattern, key, expected) => {
    expect(topicMatches(pattern, key)).toBe(expected);
  });
});
