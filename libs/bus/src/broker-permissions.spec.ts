import { brokerPermissions, escapeRegExp } from './broker-permissions';
import { BusTopology } from './bus-topology';

// RabbitMQ matches with PCRE; these patterns use only syntax on which PCRE and JavaScript agree.
const matches = (pattern: string, name: string) => new RegExp(pattern).test(name);

describe('brokerPermissions', () => {
  const t = new BusTopology();
  const node = brokerPermissions(t, { kind: 'node', agencies: ['000.00.00.H57', '000.00.00.H41'] });

  it('gives a node exact, anchored patterns with every dot escaped', () => {
    expect(node).toEqual({
      configure: '^axis\\.notify\\.[A-Za-z0-9_-]{1,64}$',
      write:
        '^(?:axis\\.edoc|axis\\.trace|axis\\.retry\\.1000|axis\\.retry\\.5000|axis\\.retry\\.30000|' +
        'axis\\.retry\\.120000|axis\\.notify\\.[A-Za-z0-9_-]{1,64})$',
      read:
        '^(?:axis\\.agency\\.000\\.00\\.00\\.H41\\.inbox|axis\\.agency\\.000\\.00\\.00\\.H57\\.inbox|' +
        'axis\\.notify|axis\\.notify\\.[A-Za-z0-9_-]{1,64})$',
    });
  });

  it("lets a node read its agencies' inboxes and nothing else of theirs", () => {
    expect(matches(node.read, t.agencyInbox('000.00.00.H41'))).toBe(true);
    expect(matches(node.read, t.agencyInbox('000.00.00.H57'))).toBe(true);
    expect(matches(node.read, t.notificationExchange)).toBe(true);
    expect(matches(node.read, t.notificationQueueSpec('0123abcd').name)).toBe(true);
    for (const name of [
      t.agencyInbox('000.00.00.G22'),
      t.agencyDeadLetterQueue('000.00.00.H41'),
      t.traceQueue,
      t.traceExchange,
      t.documentsExchange,
      t.retryQueue(1000),
      t.requeueExchange,
      t.requeueDeadLetterQueue,
      `${t.agencyInbox('000.00.00.H41')}.x`, // anchored at the end
      `x${t.agencyInbox('000.00.00.H41')}`, // and at the start
      'other.agency.000.00.00.H41.inbox',
    ]) {
      expect([name, matches(node.read, name)]).toEqual([name, false]);
    }
  });

  it('escapes dots: 000.00.00.G22 does not match 000x00x00xG22', () => {
    const g22 = brokerPermissions(t, { kind: 'node', agencies: ['000.00.00.G22'] });
    expect(matches(g22.read, 'axis.agency.000.00.00.G22.inbox')).toBe(true);
    expect(matches(g22.read, 'axis.agency.000x00x00xG22.inbox')).toBe(false);
    expect(matches(g22.read, 'axisxagencyx000.00.00.G22xinbox')).toBe(false);
    expect(matches(g22.write, 'axisxedoc')).toBe(false);
    expect(matches(g22.configure, 'axisxnotifyxabc')).toBe(false);
  });

  it('escapes a dotted prefix too', () => {
    const dotted = brokerPermissions(new BusTopology({ prefix: 'lt.prod' }), {
      kind: 'node',
      agencies: ['000.00.00.G22'],
    });
    expect(matches(dotted.write, 'lt.prod.edoc')).toBe(true);
    expect(matches(dotted.write, 'ltxprod.edoc')).toBe(false);
    expect(matches(dotted.read, 'lt.prod.agency.000.00.00.G22.inbox')).toBe(true);
  });

  it('lets a node write only to the documents, trace and retry exchanges and its notification queues', () => {
    for (const name of [
      t.documentsExchange,
      t.traceExchange,
      ...t.retryDelaysMs.map((d) => t.retryExchange(d)),
      t.notificationQueueSpec('abc').name,
    ]) {
      expect([name, matches(node.write, name)]).toEqual([name, true]);
    }
    for (const name of [
      t.deadLetterExchange,
      t.notificationExchange,
      t.retryExchange(999),
      t.requeueExchange,
      t.unroutableExchange,
      t.agencyInbox('000.00.00.H41'),
      'amq.default',
      'amq.topic',
      'axis.edoc.x',
    ]) {
      expect([name, matches(node.write, name)]).toEqual([name, false]);
    }
  });

  it('gives a node write on no queue but its notification queues: none shares an exchange name', () => {
    const queues = [
      ...t.coreQueues(),
      ...['000.00.00.H41', '000.00.00.H57', '000.00.00.G22'].flatMap((c) => t.agencyQueues(c)),
    ].map((q) => q.name);
    expect(queues).toContain(t.traceQueue);
    expect(queues).toContain(t.retryQueue(1000));
    for (const name of queues) {
      expect([name, matches(node.write, name), matches(node.configure, name)]).toEqual([name, false, false]);
    }
  });

  it('lets a node configure only notification queues, exactly the names the topology makes', () => {
    for (let i = 0; i < 20; i++) {
      const id = Math.random().toString(36).slice(2) + '_-X';
      expect(matches(node.configure, t.notificationQueueSpec(id).name)).toBe(true);
    }
    const longest = 'a'.repeat(64);
    expect(matches(node.configure, t.notificationQueueSpec(longest).name)).toBe(true);
    // What the topology refuses as an id, the pattern refuses as a name.
    for (const id of ['', 'a'.repeat(65), 'a.b', 'a b', 'a*']) {
      expect(() => t.notificationQueueSpec(id)).toThrow();
      expect([id, matches(node.configure, `${t.notificationExchange}.${id}`)]).toEqual([id, false]);
    }
    for (const name of [
      t.notificationExchange,
      t.agencyInbox('000.00.00.H41'),
      t.agencyDeadLetterQueue('000.00.00.H41'),
      t.documentsExchange,
      t.traceQueue,
    ]) {
      expect([name, matches(node.configure, name)]).toEqual([name, false]);
    }
  });

  it('follows the retry ladder and the prefix of the topology', () => {
    const custom = brokerPermissions(new BusTopology({ prefix: 'test-1', retryDelaysMs: [100, 200, 200] }), {
      kind: 'node',
      agencies: [],
    });
    expect(custom.write).toBe(
      '^(?:test-1\\.edoc|test-1\\.trace|test-1\\.retry\\.100|test-1\\.retry\\.200|test-1\\.notify\\.[A-Za-z0-9_-]{1,64})$',
    );
    // A shared node with no tenant yet reads only notifications.
    expect(custom.read).toBe('^(?:test-1\\.notify|test-1\\.notify\\.[A-Za-z0-9_-]{1,64})$');
  });

  it('is the same for the same agencies in any order, repeated or not', () => {
    const again = brokerPermissions(t, {
      kind: 'node',
      agencies: ['000.00.00.H41', '000.00.00.H57', '000.00.00.H41'],
    });
    expect(again).toEqual(node);
  });

  it('refuses an agency code that could not name a queue', () => {
    for (const code of ['', 'a*', '000.00.00.G22|.*', 'trace', '^x']) {
      expect(() => brokerPermissions(t, { kind: 'node', agencies: [code] })).toThrow(
        /not a usable agency code/,
      );
    }
  });

  it('gives the axis everything under the prefix, and nothing outside it', () => {
    const axis = brokerPermissions(t, { kind: 'axis' });
    expect(axis).toEqual({ configure: '^axis\\..+$', write: '^axis\\..+$', read: '^axis\\..+$' });
    const names = [
      ...t.coreExchanges().map((e) => e.name),
      ...t.coreQueues().map((q) => q.name),
      ...t.agencyQueues('000.00.00.H41').map((q) => q.name),
      t.notificationQueueSpec('abc').name,
    ];
    for (const name of names) expect([name, matches(axis.configure, name)]).toEqual([name, true]);
    for (const name of ['axis', 'axisx.edoc', 'axisxedoc', 'other.axis.edoc', 'amq.default', 'amq.topic']) {
      expect([name, matches(axis.configure, name)]).toEqual([name, false]);
    }
  });

  it('escapes every regular-expression metacharacter', () => {
    const text = 'a.b*c+d?e^f$g|h(i)j[k]l{m}n\\o';
    expect(new RegExp(`^${escapeRegExp(text)}$`).test(text)).toBe(true);
    expect(new RegExp(`^${escapeRegExp('a.b')}$`).test('axb')).toBe(false);
  });
});
