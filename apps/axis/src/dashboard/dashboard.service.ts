import { Injectable, Logger } from '@nestjs/common';
import { MessageBus, PeekedMessage } from '@lienthong/bus';
import { AppError } from '@lienthong/common';
import { MESSAGE_HEADERS } from '@lienthong/protocol';
import { AuditService } from '../audit/audit.service';
import { HeartbeatService, livenessOf, NodeLiveness } from '../nodes/heartbeat.service';
import type { NodeStatus } from '../nodes/node-heartbeat.repository';
import {
  AgencyRow,
  DashboardRepository,
  DeliveryRow,
  DocumentSearch,
  EventRow,
  LatencyPercentiles,
} from './dashboard.repository';
import { buildReport, GovernmentReport, ReportAgency, ReportOptions } from './report';
import { fillHours, HourBucket } from './svg-chart';

export const CERTIFICATE_WARNING_DAYS = 30;
const DAY_MS = 86_400_000;
/** Queue depth requests in flight at once (each is a channel round trip on RabbitMQ). */
const DEPTH_CONCURRENCY = 8;
const PEEK_PER_QUEUE = 20;

export interface QueueDepth {
  /** An agency code, or `trace`. */
  owner: string;
  name?: string;
  inbox: string;
  inboxDepth?: number;
  deadLetterQueue: string;
  deadLetterDepth?: number;
  /** The broker could not answer for this queue. */
  error?: string;
}

export interface Overview {
  hours: HourBucket[];
  totals: { sent: number; delivered: number; failed: number };
  latency: LatencyPercentiles;
  states: Record<string, number>;
  nodes: (NodeStatus & { liveness: NodeLiveness })[];
  queues: QueueDepth[];
}

export interface DeadLetterQueueView {
  owner: string;
  queue: string;
  depth: number;
  messages: PeekedMessage[];
}

export type CertificateStatus = 'none' | 'valid' | 'expiring' | 'expired' | 'revoked';

export interface AgencyView extends AgencyRow {
  certificateStatus: CertificateStatus;
  daysLeft?: number;
  nodeMode?: 'dedicated' | 'shared';
  nodeLiveness?: NodeLiveness;
}

@Injectable()
export class DashboardService {
  private readonly logger = new Logger(DashboardService.name);

  constructor(
    private readonly read: DashboardRepository,
    private readonly bus: MessageBus,
    private readonly heartbeats: HeartbeatService,
    private readonly audit: AuditService,
  ) {}

  async overview(now = new Date()): Promise<Overview> {
    const since = new Date(Math.floor(now.getTime() / 3_600_000) * 3_600_000 - 23 * 3_600_000);
    const [buckets, latency, states, nodes, agencies] = await Promise.all([
      this.read.hourlyCounts(since),
      this.read.latency(new Date(now.getTime() - DAY_MS)),
      this.read.stateCounts(),
      this.heartbeats.list(),
      this.read.agencies(),
    ]);
    const hours = fillHours(buckets, now);
    const totals = hours.reduce(
      (t, h) => ({
        sent: t.sent + h.sent,
        delivered: t.delivered + h.delivered,
        failed: t.failed + h.failed,
      }),
      { sent: 0, delivered: 0, failed: 0 },
    );
    return {
      hours,
      totals,
      latency,
      states,
      // What the node last said it hosts, plus what the directory says it enrolled since then.
      nodes: nodes.map((n) => ({
        ...n,
        agencies: [
          ...new Set([...n.agencies, ...agencies.filter((a) => a.nodeId === n.nodeId).map((a) => a.code)]),
        ].sort(),
        liveness: livenessOf(n, now),
      })),
      queues: await this.queueDepths(agencies),
    };
  }

  /** Every agency's inbox and DLQ, then the trace queue and its DLQ. */
  async queueDepths(agencies?: AgencyRow[]): Promise<QueueDepth[]> {
    const topology = this.bus.topology;
    const list: QueueDepth[] = (agencies ?? (await this.read.agencies())).map((a) => ({
      owner: a.code,
      name: a.name,
      inbox: topology.agencyInbox(a.code),
      deadLetterQueue: topology.agencyDeadLetterQueue(a.code),
    }));
    list.push({ owner: 'trace', inbox: topology.traceQueue, deadLetterQueue: topology.traceDeadLetterQueue });
    for (let i = 0; i < list.length; i += DEPTH_CONCURRENCY) {
      await Promise.all(
        list.slice(i, i + DEPTH_CONCURRENCY).map(async (q) => {
          try {
            [q.inboxDepth, q.deadLetterDepth] = await Promise.all([
              this.bus.queueDepth(q.inbox),
              this.bus.queueDepth(q.deadLetterQueue),
            ]);
          } catch (error) {
            q.error = (error as Error).message;
          }
        }),
      );
    }
    return list;
  }

  searchDocuments(search: DocumentSearch): Promise<DeliveryRow[]> {
    return this.read.searchDeliveries(search);
  }

  async document(documentUuid: string): Promise<{ deliveries: DeliveryRow[]; events: EventRow[] }> {
    const [deliveries, events] = await Promise.all([
      this.read.documentDeliveries(documentUuid),
      this.read.documentEvents(documentUuid),
    ]);
    if (deliveries.length === 0 && events.length === 0) {
      throw AppError.notFound('DOCUMENT_NOT_FOUND', `No trace of document ${documentUuid}`);
    }
    return { deliveries, events };
  }

  async failures(): Promise<{ deliveries: DeliveryRow[]; deadLetters: DeadLetterQueueView[] }> {
    const [deliveries, queues] = await Promise.all([this.read.failures(200), this.queueDepths()]);
    const deadLetters: DeadLetterQueueView[] = [];
    for (const q of queues) {
      if (!q.deadLetterDepth) continue;
      const messages = await this.bus.peek(q.deadLetterQueue, PEEK_PER_QUEUE).catch((error: Error) => {
        this.logger.warn(`cannot peek at ${q.deadLetterQueue}: ${error.message}`);
        return [];
      });
      deadLetters.push({ owner: q.owner, queue: q.deadLetterQueue, depth: q.deadLetterDepth, messages });
    }
    return { deliveries, deadLetters };
  }

  /**
   * Sends dead letters back to their queue and writes one audit entry per message re-driven
   * (`delivery.redriven`, actor `operator`, with the name the operator logged in with).
   */
  async redrive(operator: string, queue: string, messageIds?: string[]): Promise<PeekedMessage[]> {
    if (!this.bus.topology.redriveTargetOf(queue)) {
      throw AppError.invalid('QUEUE_NOT_REDRIVABLE', `${queue} is not a dead-letter queue of this axis`);
    }
    const redriven = await this.bus.redriveDeadLetters(queue, messageIds ? { messageIds } : {});
    if (redriven.length > 0) {
      await this.audit.recordMany(
        redriven.map((m) => {
          const document = m.headers[MESSAGE_HEADERS.document];
          const recipient = /\.agency\.(.+)\.dlq$/.exec(queue)?.[1];
          return {
            action: 'delivery.redriven' as const,
            actor: 'operator',
            agency: recipient ?? null,
            documentId: typeof document === 'string' ? document : null,
            details: {
              operator,
              queue,
              messageId: m.messageId,
              from: String(m.headers[MESSAGE_HEADERS.from] ?? ''),
              kind: String(m.headers[MESSAGE_HEADERS.kind] ?? ''),
              reason: m.lastError ?? String(m.headers['x-first-death-reason'] ?? ''),
            },
          };
        }),
      );
    }
    this.logger.log(`${operator} re-drove ${redriven.length} message(s) from ${queue}`);
    return redriven;
  }

  async agencies(now = new Date()): Promise<AgencyView[]> {
    const [agencies, nodes] = await Promise.all([this.read.agencies(), this.heartbeats.list()]);
    const nodeById = new Map(nodes.map((n) => [n.nodeId, n]));
    return agencies.map((a) => {
      const node = a.nodeId ? nodeById.get(a.nodeId) : undefined;
      return {
        ...a,
        ...certificateStatus(a, now),
        ...(node ? { nodeMode: node.mode, nodeLiveness: livenessOf(node, now) } : {}),
      };
    });
  }

  async report(options: ReportOptions): Promise<GovernmentReport> {
    const [agencies, nodes, deliveries] = await Promise.all([
      this.read.agencies(),
      this.heartbeats.list(),
      this.read.reportDeliveries(options.from, options.to),
    ]);
    const modeOf = new Map(nodes.map((n) => [n.nodeId, n.mode]));
    const reportAgencies: ReportAgency[] = agencies.map((a) => {
      const status = certificateStatus(a, options.asOf).certificateStatus;
      const mode = a.nodeId ? modeOf.get(a.nodeId) : undefined;
      return {
        code: a.code,
        name: a.name,
        state: a.state,
        connected: status === 'valid' || status === 'expiring',
        ...(mode ? { mode } : {}),
      };
    });
    return buildReport(reportAgencies, deliveries, options);
  }
}

/** Expired, revoked, or expiring within {@link CERTIFICATE_WARNING_DAYS} days. */
export function certificateStatus(
  a: Pick<AgencyRow, 'certificateSerial' | 'certificateNotAfter' | 'certificateRevokedAt'>,
  now: Date,
): { certificateStatus: CertificateStatus; daysLeft?: number } {
  if (!a.certificateSerial || !a.certificateNotAfter) return { certificateStatus: 'none' };
  if (a.certificateRevokedAt) return { certificateStatus: 'revoked' };
  const daysLeft = Math.floor((a.certificateNotAfter.getTime() - now.getTime()) / DAY_MS);
  if (a.certificateNotAfter.getTime() <= now.getTime()) return { certificateStatus: 'expired', daysLeft };
  if (daysLeft < CERTIFICATE_WARNING_DAYS) return { certificateStatus: 'expiring', daysLeft };
  return { certificateStatus: 'valid', daysLeft };
}
