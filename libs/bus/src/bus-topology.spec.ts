import { BusTopology } from './bus-topology';
import { topicMatches } from './topic-match';

describe('BusTopology', () => {
  const t = new BusTopology();

  it('sends re-driven dead letters back to the queue they died in, and only from a DLQ', () => {
    expect(t.redriveTargetOf('axis.agency.000.00.00.H41.dlq')).toBe('axis.agency.000.00.00.H41.inbox');
    expect(t.redriveTargetOf('axis.trace.dlq')).toBe('axis.trace.events');
    expect(t.redriveTargetOf('axis.requeue.dlq')).toBeUndefined();
    expect(t.redriveTargetOf('axis.agency.000.00.00.H41.inbox')).toBeUndefined();
    expect(t.redriveTargetOf('other.agency.000.00.00.H41.dlq')).toBeUndefined();
    expect(t.redriveTargetOf('axis.agency.a*b.dlq')).toBeUndefined();
  });

  it('names everything under the prefix', () => {
    expect(t.documentsExchange).toBe('axis.edoc');
    expect(t.deadLetterExchange).toBe('axis.dlx');
    expect(t.traceExchange).toBe('axis.trace');
    expect(t.traceQueue).toBe('axis.trace.events');
    expect(t.agencyInbox('000.00.00.H41')).toBe('axis.agency.000.00.00.H41.inbox');
    expect(t.agencyDeadLetterQueue('000.00.00.H41')).toBe('axis.agency.000.00.00.H41.dlq');
    expect(t.retryExchange(5000)).toBe('axis.retry.5000');
    expect(t.retryQueue(5000)).toBe('axis.retry.5000.delay');
    expect(t.requeueExchange).toBe('axis.requeue');
    expect(t.unroutableExchange).toBe('axis.requeue.unroutable');
    expect(t.requeueDeadLetterQueue).toBe('axis.requeue.dlq');
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
    expect(inbox.bindings).toEqual([
      { exchange: 'axis.edoc', routingKey: '000.00.00.H41' },
      { exchange: 'axis.requeue', routingKey: 'axis.agency.000.00.00.H41.inbox' },
    ]);
    expect(dlq.bindings).toEqual([{ exchange: 'axis.dlx', routingKey: '000.00.00.H41' }]);
  });

  it('sends retried copies home through the requeue exchange after the delay', () => {
    expect(t.retryQueueSpec(1000)).toEqual({
      name: 'axis.retry.1000.delay',
      arguments: {
        'x-queue-type': 'quorum',
        'x-message-ttl': 1000,
        'x-dead-letter-exchange': 'axis.requeue',
        'x-dead-letter-strategy': 'at-least-once',
        'x-overflow': 'reject-publish',
      },
      bindings: [{ exchange: 'axis.retry.1000', routingKey: '' }],
    });
    expect(t.coreExchanges()).toContainEqual({ name: 'axis.retry.1000', type: 'fanout' });
    expect(t.coreExchanges()).toContainEqual({
      name: 'axis.requeue',
      type: 'direct',
      internal: true,
      alternateExchange: 'axis.requeue.unroutable',
    });
    expect(t.coreExchanges()).toContainEqual({
      name: 'axis.requeue.unroutable',
      type: 'fanout',
      internal: true,
    });
  });

  it('binds on the requeue exchange only the queues a retried copy may return to, each by its name', () => {
    const requeueBindings = [...t.coreQueues(), ...t.agencyQueues('000.00.00.H41')].flatMap((q) =>
      q.bindings.filter((b) => b.exchange === t.requeueExchange).map((b) => [q.name, b.routingKey]),
    );
    expect(requeueBindings).toEqual([
      ['axis.trace.events', 'axis.trace.events'],
      ['axis.agency.000.00.00.H41.inbox', 'axis.agency.000.00.00.H41.inbox'],
    ]);
    const held = t.coreQueues().find((q) => q.name === 'axis.requeue.dlq');
    expect(held).toEqual({
      name: 'axis.requeue.dlq',
      arguments: { 'x-queue-type': 'quorum', 'x-max-length': 10_000, 'x-overflow': 'drop-head' },
      bindings: [{ exchange: 'axis.requeue.unroutable', routingKey: '' }],
    });
  });

  it('never gives a queue the name of an exchange', () => {
    const queues = [
      ...t.coreQueues(),
      ...t.agencyQueues('000.00.00.H41'),
      t.notificationQueueSpec('abc'),
    ].map((q) => q.name);
    const exchanges = t.coreExchanges().map((e) => e.name);
    expect(queues.filter((q) => exchanges.includes(q))).toEqual([]);
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
