import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import {
  AgencyRow,
  DashboardRepository,
  DeliveryRow,
  DocumentSearch,
  EventRow,
  LatencyPercentiles,
} from '../../dashboard/dashboard.repository';
import type { ReportDelivery } from '../../dashboard/report';
import type { HourBucket } from '../../dashboard/svg-chart';
import { AXIS_DATA_SOURCE } from '../data-source-name';

const FAILURE_STATES = ['failed', 'quarantined', 'rejected'];

const DELIVERY_SELECT = `
  SELECT d.seq::text AS seq, d.document_uuid AS "documentUuid", d.document_id AS "documentId",
         d.sender, d.recipient, d.kind, d.state, d.status_code AS "statusCode", d.detail,
         d.state_occurred_at AS "stateOccurredAt", d.created_at AS "createdAt",
         d.updated_at AS "updatedAt"
  FROM delivery d`;

/** NULL columns become absent fields, as the domain types have them. */
function compact<T extends object>(row: T): T {
  return Object.fromEntries(Object.entries(row).filter(([, v]) => v !== null && v !== undefined)) as T;
}

const date = (v: unknown) => (v === null || v === undefined ? undefined : new Date(v as string));

@Injectable()
export class TypeormDashboardRepository extends DashboardRepository {
  constructor(@InjectDataSource(AXIS_DATA_SOURCE) private readonly db: DataSource) {
    super();
  }

  async hourlyCounts(since: Date): Promise<HourBucket[]> {
    const rows = (await this.db.query(
      `SELECT date_trunc('hour', occurred_at) AS hour,
              count(*) FILTER (WHERE event = 'submitted')::int AS sent,
              count(*) FILTER (WHERE event = 'delivered')::int AS delivered,
              count(*) FILTER (WHERE event IN ('failed', 'quarantined')
                                  OR (event = 'status' AND status_code = '02'))::int AS failed
       FROM trace_event
       WHERE occurred_at >= $1 AND kind = 'edoc'
       GROUP BY 1 ORDER BY 1`,
      [since],
    )) as { hour: Date; sent: number; delivered: number; failed: number }[];
    return rows.map((r) => ({
      hour: new Date(r.hour),
      sent: r.sent,
      delivered: r.delivered,
      failed: r.failed,
    }));
  }

  async latency(since: Date): Promise<LatencyPercentiles> {
    const [row] = (await this.db.query(
      `WITH copies AS (
         SELECT extract(epoch FROM min(d.occurred_at) - min(s.occurred_at)) AS seconds
         FROM trace_event d
         JOIN trace_event s ON s.document_uuid = d.document_uuid AND s.recipient = d.recipient
                           AND s.event = 'submitted'
         WHERE d.event = 'delivered' AND d.kind = 'edoc' AND d.occurred_at >= $1
         GROUP BY d.document_uuid, d.recipient)
       SELECT count(*)::int AS count,
              percentile_cont(0.5) WITHIN GROUP (ORDER BY greatest(seconds, 0)) AS p50,
              percentile_cont(0.9) WITHIN GROUP (ORDER BY greatest(seconds, 0)) AS p90,
              percentile_cont(0.99) WITHIN GROUP (ORDER BY greatest(seconds, 0)) AS p99
       FROM copies`,
      [since],
    )) as { count: number; p50: number | null; p90: number | null; p99: number | null }[];
    const n = (v: number | null) => (v === null ? undefined : Number(v));
    return { count: row.count, p50: n(row.p50), p90: n(row.p90), p99: n(row.p99) };
  }

  async stateCounts(): Promise<Record<string, number>> {
    const rows = (await this.db.query(
      `SELECT state, count(*)::int AS n FROM delivery WHERE kind = 'edoc' GROUP BY state`,
    )) as { state: string; n: number }[];
    return Object.fromEntries(rows.map((r) => [r.state, r.n]));
  }

  async searchDeliveries(search: DocumentSearch): Promise<DeliveryRow[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (sql: (p: string) => string, value: unknown) => {
      params.push(value);
      where.push(sql(`$${params.length}`));
    };
    if (search.uuid !== undefined) add((p) => `d.document_uuid = ${p}::uuid`, search.uuid);
    if (search.text !== undefined) {
      add(
        (p) => `d.document_id ILIKE ${p} ESCAPE '\\'`,
        `%${search.text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`,
      );
    }
    if (search.agency !== undefined) add((p) => `(d.sender = ${p} OR d.recipient = ${p})`, search.agency);
    if (search.state !== undefined) add((p) => `d.state = ${p}`, search.state);
    if (search.from !== undefined) add((p) => `d.created_at >= ${p}`, search.from);
    if (search.to !== undefined) add((p) => `d.created_at < ${p}`, search.to);
    if (search.before !== undefined) add((p) => `d.seq < ${p}::bigint`, search.before);
    params.push(search.limit + 1);
    const rows = (await this.db.query(
      `${DELIVERY_SELECT} ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY d.seq DESC LIMIT $${params.length}`,
      params,
    )) as DeliveryRow[];
    return rows.map(compact);
  }

  async documentDeliveries(documentUuid: string): Promise<DeliveryRow[]> {
    const rows = (await this.db.query(`${DELIVERY_SELECT} WHERE d.document_uuid = $1 ORDER BY d.recipient`, [
      documentUuid,
    ])) as DeliveryRow[];
    return rows.map(compact);
  }

  async documentEvents(documentUuid: string): Promise<EventRow[]> {
    const rows = (await this.db.query(
      `SELECT event_id AS "eventId", event, recipient, sender, kind, status_code AS "statusCode",
              detail, node_id AS "nodeId", document_id AS "documentId",
              occurred_at AS "occurredAt", received_at AS "receivedAt"
       FROM trace_event WHERE document_uuid = $1 ORDER BY occurred_at, received_at`,
      [documentUuid],
    )) as EventRow[];
    return rows.map(compact);
  }

  async failures(limit: number): Promise<DeliveryRow[]> {
    const rows = (await this.db.query(
      `${DELIVERY_SELECT} WHERE d.state = ANY($1) ORDER BY d.updated_at DESC LIMIT $2`,
      [FAILURE_STATES, limit],
    )) as DeliveryRow[];
    return rows.map(compact);
  }

  async agencies(): Promise<AgencyRow[]> {
    const rows = (await this.db.query(
      `SELECT a.code, a.name, a.parent_code AS "parentCode", a.node_id AS "nodeId", a.state,
              a.certificate_serial AS "certificateSerial", c.not_after AS "certificateNotAfter",
              c.revoked_at AS "certificateRevokedAt", a.created_at AS "createdAt"
       FROM agency a LEFT JOIN certificate c ON c.serial = a.certificate_serial
       ORDER BY a.code`,
    )) as AgencyRow[];
    return rows.map(compact);
  }

  async reportDeliveries(from: Date, to: Date): Promise<ReportDelivery[]> {
    const rows = (await this.db.query(
      `SELECT d.document_uuid AS "documentUuid", d.document_id AS "documentId", d.sender,
              d.recipient, d.state,
              coalesce(min(e.occurred_at) FILTER (WHERE e.event = 'submitted'), d.created_at) AS "sentAt",
              min(e.occurred_at) FILTER (WHERE e.event = 'delivered'
                 OR (e.event = 'status' AND e.status_code IN ('01', '02'))) AS "arrivedAt",
              min(e.occurred_at) FILTER (WHERE e.event = 'taken'
                 OR (e.event = 'status' AND e.status_code IN ('03', '04', '05', '06'))) AS "takenAt",
              min(e.occurred_at) FILTER (WHERE e.event = 'status'
                 AND e.status_code IN ('03', '04', '05', '06')) AS "acceptedAt",
              min(e.occurred_at) FILTER (WHERE e.event = 'status' AND e.status_code = '06') AS "finishedAt"
       FROM delivery d
       LEFT JOIN trace_event e ON e.document_uuid = d.document_uuid AND e.recipient = d.recipient
       WHERE d.kind = 'edoc' AND d.created_at >= $1 AND d.created_at < $2
       GROUP BY d.document_uuid, d.recipient`,
      [from, to],
    )) as Record<string, unknown>[];
    return rows.map((r) =>
      compact({
        documentUuid: r.documentUuid as string,
        documentId: (r.documentId as string | null) ?? undefined,
        sender: r.sender as string,
        recipient: r.recipient as string,
        state: r.state as string,
        sentAt: new Date(r.sentAt as string),
        arrivedAt: date(r.arrivedAt),
        takenAt: date(r.takenAt),
        acceptedAt: date(r.acceptedAt),
        finishedAt: date(r.finishedAt),
      }),
    );
  }
}
