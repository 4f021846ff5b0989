import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import * as amqp from 'amqplib';
import {
  AmqpMessageBus,
  AmqpSubscription,
  BusTopology,
  IncomingMessage,
  MessageBus,
  brokerPermissions,
  escapeRegExp,
} from '@lienthong/bus';
import { waitFor } from '@lienthong/bus/message-bus.contract';
import { AMQP_URL, deleteBusTopology } from '@lienthong/bus/testing/amqp';
import { cli, tempDir } from './support/cli-harness';

/*
 * Against the real broker: the axis (as guest) declares a random prefix's topology, `lienthong broker
 * grant --apply` makes a node user for H41 and H57 with rabbitmqctl, and that node connects as its own
 * user. Needs rabbitmqctl on the PATH with the rights to manage users (root on the broker's host).
 */
jest.setTimeout(30_000);

const execFileAsync = promisify(execFile);
const quiet = { log: () => undefined, warn: () => undefined, error: () => undefined };
const G22 = '000.00.00.G22';
const H41 = '000.00.00.H41';
const H57 = '000.00.00.H57';
const ACCESS_REFUSED = /ACCESS_REFUSED/;

const run = randomBytes(4).toString('hex');
const prefix = `test-${run}`;
// The default retry ladder: the one `broker grant` (like every process) derives its names from.
const topology = new BusTopology({ prefix });
const users: string[] = [];

async function grant(user: string, ...args: string[]): Promise<string> {
  users.push(user);
  const result = await cli('broker', 'grant', '--user', user, '--prefix', prefix, ...args, '--apply');
  expect(result).toMatchObject({ code: 0 });
  const password = /^password for \S+ \(shown once\): (\S+)$/m.exec(result.stdout)?.[1];
  if (!password) throw new Error(`no password in: ${result.stdout}`);
  return password;
}

function urlFor(user: string, password: string): string {
  const url = new URL(AMQP_URL);
  url.username = encodeURIComponent(user);
  url.password = encodeURIComponent(password);
  return url.toString();
}

const send = (bus: MessageBus, routingKey: string, messageId: string) =>
  bus.publish({ exchange: 'documents', routingKey, messageId, body: Buffer.from(messageId) });

describe('broker permissions on RabbitMQ', () => {
  const nodeUser = `lt-test-${run}-node`;
  let axis: AmqpMessageBus;
  let node: AmqpMessageBus;
  let nodeUrl: string;
  let raw: amqp.ChannelModel;

  beforeAll(async () => {
    axis = await AmqpMessageBus.connect({ url: AMQP_URL, topology, logger: quiet });
    await axis.assertCoreTopology();
    for (const code of [G22, H41, H57]) await axis.assertAgencyQueue(code);
    nodeUrl = urlFor(nodeUser, await grant(nodeUser, '--node', '--agency', H41, H57));
    node = await AmqpMessageBus.connect({ url: nodeUrl, topology, logger: quiet });
    raw = await amqp.connect(nodeUrl);
  });

  afterAll(async () => {
    await node?.close({ graceMs: 0 });
    await raw?.close().catch(() => undefined);
    await axis?.close({ graceMs: 0 });
    for (const user of users)
      await execFileAsync('rabbitmqctl', ['-q', 'delete_user', user]).catch(() => undefined);
    await deleteBusTopology(AMQP_URL, topology, [G22, H41, H57]);
  });

  /** Runs `work` on a throwaway channel of the node's own connection (a refusal closes the channel). */
  async function onNodeChannel<T>(work: (ch: amqp.Channel) => Promise<T>): Promise<T> {
    const ch = await raw.createChannel();
    ch.on('error', () => undefined);
    try {
      return await work(ch);
    } finally {
      await ch.close().catch(() => undefined);
    }
  }

  it('gave the node user exactly the computed permissions', async () => {
    const { stdout } = await execFileAsync('rabbitmqctl', [
      '-q',
      'list_user_permissions',
      nodeUser,
      '--formatter',
      'json',
    ]);
    const expected = brokerPermissions(topology, { kind: 'node', agencies: [H41, H57] });
    expect(JSON.parse(stdout)).toEqual([{ vhost: '/', ...expected }]);
  });

  it("consumes H41's and H57's inboxes, and publishes documents that are routed", async () => {
    const seen: IncomingMessage[] = [];
    const subs = await Promise.all(
      [H41, H57].map((code) =>
        node.consume(topology.agencyInbox(code), (m) => {
          seen.push(m);
          return { action: 'ack' };
        }),
      ),
    );
    expect(await send(node, H41, `to-h41-${run}`)).toEqual({ routed: true });
    expect(await send(node, H57, `to-h57-${run}`)).toEqual({ routed: true });
    // Any agency is a recipient: G22's inbox takes it, even though the node cannot read it.
    expect(await send(node, G22, `to-g22-${run}`)).toEqual({ routed: true });
    await waitFor(() => seen.length === 2, 'both deliveries');
    expect(seen.map((m) => [m.queue, m.messageId]).sort()).toEqual([
      [topology.agencyInbox(H41), `to-h41-${run}`],
      [topology.agencyInbox(H57), `to-h57-${run}`],
    ]);
    expect(await axis.queueDepth(topology.agencyInbox(G22))).toBe(1);
    for (const sub of subs) await sub.cancel();
  });

  it('publishes trace events', async () => {
    const result = await node.publish({
      exchange: 'trace',
      routingKey: 'sent',
      messageId: `trace-${run}`,
      body: Buffer.from('{}'),
    });
    expect(result).toEqual({ routed: true });
    expect(await axis.queueDepth(topology.traceQueue)).toBe(1);
  });

  it('retries through the back-off ladder, and dead-letters, without any right on either path', async () => {
    const attempts: IncomingMessage[] = [];
    const sub = await node.consume(
      topology.agencyInbox(H41),
      (m) => {
        attempts.push(m);
        return m.attempt === 1 ? { action: 'retry', reason: 'database down' } : { action: 'ack' };
      },
      { prefetch: 1 },
    );
    await send(node, H41, `retry-${run}`);
    // The copy goes to the retry exchange (write), waits in its delay queue (1 s) and the broker
    // dead-letters it back to the inbox through the requeue exchange (no check on the user).
    await waitFor(() => attempts.length === 2, 'the retried delivery', 5_000);
    expect(attempts.map((m) => [m.messageId, m.attempt])).toEqual([
      [`retry-${run}`, 1],
      [`retry-${run}`, 2],
    ]);
    expect(attempts[1]).toMatchObject({ lastError: 'database down', routingKey: H41 });
    await sub.cancel();

    // The last attempt is a nack: the broker dead-letters to the DLQ, which the node cannot write to itself.
    const once = await node.consume(
      topology.agencyInbox(H57),
      () => ({ action: 'retry', reason: 'poison' }),
      {
        maxAttempts: 1,
      },
    );
    await send(node, H57, `dead-${run}`);
    await waitFor(
      async () => (await axis.queueDepth(topology.agencyDeadLetterQueue(H57))) === 1,
      'the dead letter',
    );
    await once.cancel();
  });

  it('subscribes to notifications on a queue of its own that no other connection can take', async () => {
    const received: string[] = [];
    const sub = await node.subscribeNotifications((n) => {
      received.push(n.type);
    });
    await axis.publishNotification({ type: 'crl-updated', body: { crlNumber: '7' } });
    await waitFor(() => received.includes('crl-updated'), 'the notification');
    const queue = (sub as AmqpSubscription).queue;
    expect(queue.startsWith(`${topology.notificationExchange}.`)).toBe(true);
    // Every node may configure `<prefix>.notify.*`; exclusivity keeps each one's queue its own.
    await expect(onNodeChannel((ch) => ch.consume(queue, () => undefined))).rejects.toThrow(
      /RESOURCE_LOCKED/,
    );
    await sub.cancel();
  });

  it("cannot consume G22's inbox, nor the DLQs or the trace queue", async () => {
    await expect(node.consume(topology.agencyInbox(G22), () => ({ action: 'ack' }))).rejects.toThrow(
      /ACCESS_REFUSED - access to queue '.*\.agency\.000\.00\.00\.G22\.inbox' in vhost '\/' refused/,
    );
    for (const queue of [topology.agencyDeadLetterQueue(H41), topology.traceQueue]) {
      await expect(node.consume(queue, () => ({ action: 'ack' }))).rejects.toThrow(ACCESS_REFUSED);
    }
    // Nothing was taken from G22's inbox.
    expect(await axis.queueDepth(topology.agencyInbox(G22))).toBe(1);
  });

  it('cannot declare, re-declare or delete an agency queue, nor the core topology', async () => {
    await expect(node.assertAgencyQueue('000.00.00.X99')).rejects.toThrow(ACCESS_REFUSED);
    await expect(node.assertAgencyQueue(H41)).rejects.toThrow(ACCESS_REFUSED);
    await expect(node.assertCoreTopology()).rejects.toThrow(ACCESS_REFUSED);
    for (const queue of [topology.agencyInbox(H41), topology.agencyInbox(G22)]) {
      await expect(onNodeChannel((ch) => ch.deleteQueue(queue))).rejects.toThrow(ACCESS_REFUSED);
    }
    await expect(onNodeChannel((ch) => ch.deleteExchange(topology.documentsExchange))).rejects.toThrow(
      ACCESS_REFUSED,
    );
    // All still there, X99 never made.
    expect(await axis.queueDepth(topology.agencyInbox(H41))).toBe(0);
    await expect(axis.queueDepth(topology.agencyInbox('000.00.00.X99'))).rejects.toThrow(/NOT_FOUND/);
  });

  it('cannot publish to an exchange outside its three kinds, lienthong or not', async () => {
    const publishTo = (exchange: string) =>
      node.publishRaw(exchange, H41, Buffer.from('x'), { messageId: `to-${exchange}-${run}`, headers: {} });
    await expect(publishTo('amq.topic')).rejects.toThrow(
      /ACCESS_REFUSED - access to exchange 'amq\.topic' in vhost '\/' refused/,
    );
    await expect(publishTo('')).rejects.toThrow(/ACCESS_REFUSED - access to exchange 'amq\.default'/);
    await expect(publishTo(topology.deadLetterExchange)).rejects.toThrow(ACCESS_REFUSED);
    await expect(publishTo(topology.requeueExchange)).rejects.toThrow(ACCESS_REFUSED);
    await expect(node.publishNotification({ type: 'crl-updated', body: { crlNumber: '8' } })).rejects.toThrow(
      ACCESS_REFUSED,
    );
    // The bus opens a new publish channel after a refusal: the node goes on sending.
    expect(await send(node, H41, `after-refusals-${run}`)).toEqual({ routed: true });
  });

  it('learns only the depth of queues it cannot read: passive declares need no permission', async () => {
    // RabbitMQ checks nothing on queue.declare(passive): not a leak of content, but worth knowing.
    await expect(node.queueDepth(topology.agencyInbox(G22))).resolves.toBe(1);
  });

  it('a shared node re-granted with a new agency list loses the agency it no longer serves', async () => {
    const sharedUser = `lt-test-${run}-shared`;
    const password = await grant(sharedUser, '--node', '--agency', H41, H57);
    const again = await cli(
      'broker',
      'grant',
      '--user',
      sharedUser,
      '--prefix',
      prefix,
      '--node',
      '--agency',
      H41,
      '--apply',
    );
    expect(again.code).toBe(0);
    expect(again.stderr).toMatch(/exists; its password is unchanged/);
    expect(again.stdout).not.toMatch(/password for/);
    // Permissions are checked when a channel first uses a resource: a new connection sees the new list.
    const shared = await AmqpMessageBus.connect({
      url: urlFor(sharedUser, password),
      topology,
      logger: quiet,
    });
    try {
      const sub = await shared.consume(topology.agencyInbox(H41), () => ({ action: 'ack' }));
      await sub.cancel();
      await expect(shared.consume(topology.agencyInbox(H57), () => ({ action: 'ack' }))).rejects.toThrow(
        ACCESS_REFUSED,
      );
    } finally {
      await shared.close({ graceMs: 0 });
    }
  });

  it('gives the axis everything under its prefix and nothing else', async () => {
    const axisUser = `lt-test-${run}-axis`;
    const password = await grant(axisUser, '--axis');
    const asAxis = await AmqpMessageBus.connect({ url: urlFor(axisUser, password), topology, logger: quiet });
    const other = new BusTopology({ prefix: `other-${run}` });
    try {
      await asAxis.assertCoreTopology();
      await asAxis.assertAgencyQueue(H41);
      await expect(asAxis.queueDepth(topology.traceQueue)).resolves.toBe(1);
      await expect(
        asAxis.publishRaw('amq.topic', 'x', Buffer.from('x'), { messageId: 'x', headers: {} }),
      ).rejects.toThrow(ACCESS_REFUSED);
      const elsewhere = await AmqpMessageBus.connect({
        url: urlFor(axisUser, password),
        topology: other,
        logger: quiet,
      });
      try {
        await expect(elsewhere.assertCoreTopology()).rejects.toThrow(ACCESS_REFUSED);
      } finally {
        await elsewhere.close({ graceMs: 0 });
      }
    } finally {
      await asAxis.close({ graceMs: 0 });
    }
  });

  /** A message published as the node to a retry exchange: after the delay, the broker dead-letters it. */
  const bounce = (routingKey: string, messageId: string) =>
    node.publishRaw(topology.retryExchange(1000), routingKey, Buffer.from(messageId), {
      messageId,
      headers: {},
    });

  it('cannot inject through a retry exchange: a key naming no inbox ends in the requeue DLQ', async () => {
    const held = topology.requeueDeadLetterQueue;
    const targets = [
      topology.agencyDeadLetterQueue(G22),
      topology.traceDeadLetterQueue,
      topology.retryQueue(1000),
      held,
      'amq.gen-anything',
    ];
    // Taken by the delay queue (the node may write to the retry exchange)...
    for (const [i, key] of targets.entries()) {
      expect(await bounce(key, `inject-${i}-${run}`)).toEqual({ routed: true });
    }
    // ...and after the delay the requeue exchange has no binding for the key: its alternate
    // exchange takes it. Without one, at-least-once dead-lettering would keep it in the delay
    // queue for ever, retrying.
    await waitFor(async () => (await axis.queueDepth(held)) === targets.length, 'held copies', 10_000);
    expect(await axis.queueDepth(topology.agencyDeadLetterQueue(G22))).toBe(0);
    expect(await axis.queueDepth(topology.traceDeadLetterQueue)).toBe(0);
    expect(await axis.queueDepth(topology.retryQueue(1000))).toBe(0);
  });

  it("can bounce a message into another agency's inbox or the trace queue: no more than publishing there", async () => {
    const g22 = await axis.queueDepth(topology.agencyInbox(G22));
    const trace = await axis.queueDepth(topology.traceQueue);
    const held = await axis.queueDepth(topology.requeueDeadLetterQueue);
    await bounce(topology.agencyInbox(G22), `bounce-g22-${run}`);
    await bounce(topology.traceQueue, `bounce-trace-${run}`);
    await waitFor(
      async () =>
        (await axis.queueDepth(topology.agencyInbox(G22))) === g22 + 1 &&
        (await axis.queueDepth(topology.traceQueue)) === trace + 1,
      'the bounced copies',
      10_000,
    );
    expect(await axis.queueDepth(topology.requeueDeadLetterQueue)).toBe(held);
    // The same as it may do directly (the inbox's consumer verifies every package).
    expect(await send(node, G22, `direct-g22-${run}`)).toEqual({ routed: true });
  });

  it('cannot bind, write to or read the trace queue or a delay queue: their names are not the exchanges', async () => {
    for (const queue of [topology.traceQueue, topology.retryQueue(1000)]) {
      // The node reads the notification exchange, so only write on the queue is missing.
      await expect(
        onNodeChannel((ch) => ch.bindQueue(queue, topology.notificationExchange, '')),
      ).rejects.toThrow(
        new RegExp(`ACCESS_REFUSED - access to queue '${escapeRegExp(queue)}' in vhost '/' refused`),
      );
      await expect(onNodeChannel((ch) => ch.purgeQueue(queue))).rejects.toThrow(ACCESS_REFUSED);
      await expect(onNodeChannel((ch) => ch.deleteQueue(queue))).rejects.toThrow(ACCESS_REFUSED);
    }
    await expect(node.consume(topology.retryQueue(1000), () => ({ action: 'ack' }))).rejects.toThrow(
      ACCESS_REFUSED,
    );
    // Nor any binding on the requeue exchange: it would need write on the queue and read on it.
    await expect(
      onNodeChannel((ch) => ch.bindQueue(topology.agencyInbox(H41), topology.requeueExchange, 'x')),
    ).rejects.toThrow(ACCESS_REFUSED);
  });

  it('can still bind the notification exchange to an exchange it writes to (residual, see operations.md)', async () => {
    // exchange.bind needs write on the destination and read on the source: both granted, as the
    // node publishes trace events and binds its notification queues. Notifications then reach the
    // trace queue, where the axis dead-letters them as invalid trace events.
    const before = await axis.queueDepth(topology.traceQueue);
    await onNodeChannel((ch) => ch.bindExchange(topology.traceExchange, topology.notificationExchange, ''));
    try {
      await axis.publishNotification({ type: 'crl-updated', body: { crlNumber: '9' } });
      await waitFor(async () => (await axis.queueDepth(topology.traceQueue)) === before + 1, 'the copy');
    } finally {
      await onNodeChannel((ch) =>
        ch.unbindExchange(topology.traceExchange, topology.notificationExchange, ''),
      );
    }
  });
});

describe('lienthong broker grant (printing)', () => {
  const permissions = brokerPermissions(new BusTopology({ prefix: 'axis' }), {
    kind: 'node',
    agencies: [H41, H57],
  });

  it('prints add_user with a generated password and set_permissions with the computed patterns', async () => {
    const result = await cli(
      'broker',
      'grant',
      '--user',
      'lt-node-h',
      '--prefix',
      'axis',
      '--node',
      '--agency',
      H57,
      H41,
    );
    expect(result.code).toBe(0);
    const [addUser, setPermissions, ...rest] = result.stdout.trim().split('\n');
    expect(rest).toEqual([]);
    expect(addUser).toMatch(/^rabbitmqctl add_user lt-node-h [A-Za-z0-9_-]{32}$/);
    const quote = (s: string) => `'${s}'`;
    expect(setPermissions).toBe(
      `rabbitmqctl set_permissions -p / lt-node-h ${quote(permissions.configure)} ${quote(permissions.write)} ${quote(permissions.read)}`,
    );
    // A new password every time: printed once, kept nowhere.
    const second = await cli(
      'broker',
      'grant',
      '--user',
      'lt-node-h',
      '--prefix',
      'axis',
      '--node',
      '--agency',
      H41,
    );
    expect(second.stdout.split('\n')[0]).not.toBe(addUser);
  });

  it('reads the password from a file without printing it', async () => {
    const file = join(tempDir(), 'password');
    writeFileSync(file, 'a-secret-from-the-vault\n');
    const result = await cli(
      'broker',
      'grant',
      '--user',
      'lt-axis',
      '--prefix',
      'lt.prod',
      '--axis',
      '--vhost',
      'lt',
      '--password-file',
      file,
    );
    expect(result.code).toBe(0);
    expect(result.stdout).not.toContain('a-secret-from-the-vault');
    expect(result.stdout.split('\n').slice(0, 2)).toEqual([
      `rabbitmqctl add_user lt-axis < ${file}`,
      `rabbitmqctl set_permissions -p lt lt-axis '^lt\\.prod\\..+$' '^lt\\.prod\\..+$' '^lt\\.prod\\..+$'`,
    ]);
  });

  it.each([
    [['--user', 'u', '--prefix', 'axis'], 'Choose a role: --node with --agency CODE..., or --axis.'],
    [['--user', 'u', '--prefix', 'axis', '--node', '--axis'], 'Choose one role: --node or --axis, not both.'],
    [['--user', 'u', '--prefix', 'axis', '--node'], 'A node needs at least one --agency CODE.'],
    [['--user', 'u', '--prefix', 'axis', '--axis', '--agency', H41], '--agency applies to --node only.'],
    [
      ['--user', 'u', '--prefix', 'axis', '--node', '--agency', 'H41|.*'],
      'Not a usable agency code: "H41|.*".',
    ],
    [['--user', 'u', '--prefix', 'a*', '--axis'], 'Not a usable bus prefix: "a*".'],
    [
      ['--user', '-p', '--prefix', 'axis', '--axis'],
      'Not a usable user name: "-p" (no spaces, not starting with "-").',
    ],
    [
      ['--user', 'guest', '--prefix', 'axis', '--axis'],
      'Refusing to change the built-in guest user: give each process a user of its own.',
    ],
  ])('refuses %j in one sentence', async (args, message) => {
    const result = await cli('broker', 'grant', ...args);
    expect(result).toEqual({ code: 2, stdout: '', stderr: `lienthong: ${message}\n` });
  });

  it('creates nothing when the vhost does not exist', async () => {
    const user = `lt-test-${run}-novhost`;
    const result = await cli(
      'broker',
      'grant',
      '--user',
      user,
      '--prefix',
      'axis',
      '--axis',
      '--vhost',
      `no-${run}`,
      '--apply',
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      new RegExp(`lienthong: The vhost "no-${run}" does not exist on this broker\\.\\n$`),
    );
    const { stdout } = await execFileAsync('rabbitmqctl', ['-q', 'list_users', '--formatter', 'json']);
    expect((JSON.parse(stdout) as { user: string }[]).map((u) => u.user)).not.toContain(user);
  });
});
