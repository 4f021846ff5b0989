import { BusTopology } from './bus-topology';

/** Who holds a broker user: the axis, or a node serving these agencies (one in dedicated mode). */
export type BrokerRole = { kind: 'node'; agencies: readonly string[] } | { kind: 'axis' };

/**
 * RabbitMQ permission patterns of one user in the bus's vhost (`rabbitmqctl set_permissions`).
 * Each is a regular expression matched against exchange and queue names alike.
 */
export interface BrokerPermissions {
  configure: string;
  write: string;
  read: string;
}

/**
 * The id part of a notification queue's name, as {@link BusTopology.notificationQueueSpec} accepts
 * it (the spec checks the two agree).
 */
export const NOTIFICATION_QUEUE_ID_PATTERN = '[A-Za-z0-9_-]{1,64}';

/** `s` as a regular expression matching exactly that text (RabbitMQ uses PCRE syntax). */
export function escapeRegExp(s: string): string {
  return s.replace(/[\\^$.|?*+()[\]{}]/g, '\\$&');
}

/**
 * Least-privilege permissions of a role, computed from the topology's own names so that they
 * follow any change of naming. What RabbitMQ checks (3.10, verified against the broker):
 * declaring or deleting a queue or an exchange needs configure on it; publishing needs write on the
 * exchange; consuming, `basic.get` and purging need read on the queue; `queue.bind` needs write on
 * the queue and read on the exchange; `exchange.bind` needs write on the destination and read on the
 * source; a queue's dead-letter exchange argument needs write on that exchange. Passive declares
 * (`checkQueue`, `checkExchange`) need nothing, and neither does the broker's own dead-lettering
 * (a nack to the DLQ, a retry copy's expiry to the requeue exchange).
 *
 * A pattern matches exchanges and queues alike, so no queue shares its name with an exchange a
 * node writes to (the trace queue is `<prefix>.trace.events`, a delay queue `<prefix>.retry.<ms>.delay`).
 *
 * - node: configure its notification queues only (it never declares nor deletes agency queues:
 *   the axis owns the topology); write to the documents, trace and retry exchanges and to its
 *   notification queues (to bind them); read its agencies' inboxes, its notification queues and the
 *   notification exchange (to bind to it). Everything else, the other agencies' inboxes, the DLQs,
 *   the trace and delay queues, the dead-letter and requeue exchanges and every exchange outside the
 *   bus, is refused with ACCESS_REFUSED.
 * - axis: everything under the prefix.
 *
 * Patterns are anchored (RabbitMQ otherwise matches anywhere in the name) with every dot escaped.
 */
export function brokerPermissions(topology: BusTopology, role: BrokerRole): BrokerPermissions {
  if (role.kind === 'axis') {
    const all = `^${escapeRegExp(topology.prefix)}\\..+$`;
    return { configure: all, write: all, read: all };
  }
  const agencies = [...new Set(role.agencies)].sort();
  const inboxes = agencies.map((code) => topology.agencyInbox(code)); // validates each code
  const notificationQueues = notificationQueuePattern(topology);
  const retryExchanges = [...new Set(topology.retryDelaysMs)].map((d) => topology.retryExchange(d));
  const exactly = (names: string[], ...patterns: string[]) =>
    `^(?:${[...names.map(escapeRegExp), ...patterns].join('|')})$`;
  return {
    configure: `^${notificationQueues}$`,
    write: exactly(
      [topology.documentsExchange, topology.traceExchange, ...retryExchanges],
      notificationQueues,
    ),
    read: exactly([...inboxes, topology.notificationExchange], notificationQueues),
  };
}

/** `<prefix>.notify.<id>` as a pattern, derived from a name the topology makes. */
function notificationQueuePattern(topology: BusTopology): string {
  const probe = 'x';
  const name = topology.notificationQueueSpec(probe).name;
  return escapeRegExp(name.slice(0, -probe.length)) + NOTIFICATION_QUEUE_ID_PATTERN;
}
