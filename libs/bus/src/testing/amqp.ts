import * as amqp from 'amqplib';
import { AddressInfo, Server, Socket, createServer, connect } from 'node:net';
import type { BusTopology } from '../bus-topology';

/*
 * Test support for the RabbitMQ suites (not part of the library build): removing what a run
 * declared, and a TCP proxy that can hold back or cut the connection to the broker.
 */

export const AMQP_URL = process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';

/** Deletes the run's queues and exchanges, so repeated runs leave nothing on the broker. */
export async function deleteBusTopology(
  url: string,
  topology: BusTopology,
  agencyCodes: string[],
): Promise<void> {
  const connection = await amqp.connect(url);
  try {
    const ch = await connection.createChannel();
    const queues = [...topology.coreQueues(), ...agencyCodes.flatMap((c) => topology.agencyQueues(c))];
    for (const q of queues) await ch.deleteQueue(q.name);
    for (const e of topology.coreExchanges()) await ch.deleteExchange(e.name);
    await ch.close();
  } finally {
    await connection.close();
  }
}

/** Forwards 127.0.0.1:<port> to the broker of `url`. */
export class TcpProxy {
  private server?: Server;
  private readonly pairs = new Set<{ client: Socket; upstream: Socket; held: Buffer[] }>();
  private holding = false;
  private refusing = false;

  constructor(private readonly target: { host: string; port: number }) {}

  static forUrl(url: string): TcpProxy {
    const u = new URL(url);
    return new TcpProxy({ host: u.hostname, port: Number(u.port || 5672) });
  }

  async start(): Promise<void> {
    this.server = createServer((client) => this.accept(client));
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
  }

  /** The broker URL through this proxy, same credentials and vhost. */
  url(brokerUrl: string): string {
    const u = new URL(brokerUrl);
    u.hostname = '127.0.0.1';
    u.port = String((this.server?.address() as AddressInfo).port);
    return u.toString();
  }

  get connections(): number {
    return this.pairs.size;
  }

  /** Broker → client bytes are held back (confirms, deliveries) until release(). */
  hold(): void {
    this.holding = true;
  }

  release(): void {
    this.holding = false;
    for (const pair of this.pairs) {
      for (const chunk of pair.held.splice(0)) pair.client.write(chunk);
    }
  }

  /** Cuts every connection, as a broker crash or a network failure would. */
  dropAll(): void {
    for (const { client, upstream } of this.pairs) {
      client.destroy();
      upstream.destroy();
    }
    this.pairs.clear();
  }

  /** While refusing, new connections are cut at once (broker down). */
  refuse(refusing: boolean): void {
    this.refusing = refusing;
  }

  async stop(): Promise<void> {
    this.dropAll();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private accept(client: Socket): void {
    if (this.refusing) {
      client.destroy();
      return;
    }
    const upstream = connect(this.target.port, this.target.host);
    const pair = { client, upstream, held: [] as Buffer[] };
    this.pairs.add(pair);
    client.on('data', (chunk: Buffer) => upstream.write(chunk));
    upstream.on('data', (chunk: Buffer) => (this.holding ? pair.held.push(chunk) : client.write(chunk)));
    const close = () => {
      client.destroy();
      upstream.destroy();
      this.pairs.delete(pair);
    };
    client.on('error', close).on('close', close);
    upstream.on('error', close).on('close', close);
  }
}
