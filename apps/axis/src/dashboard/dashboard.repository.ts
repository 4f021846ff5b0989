import type { HourBucket } from './svg-chart';
import type { ReportDelivery } from './report';

/** The dashboard's read model: SQL over the axis's own tables, nothing written. */

export interface LatencyPercentiles {
  /** Seconds from `submitted` to `delivered`; undefined when nothing was delivered. */
  p50?: number;
  p90?: number;
  p99?: number;
  count: number;
}

export interface DeliveryRow {
  seq: string;
  documentUuid: string;
  documentId?: string;
  sender: string;
  recipient: string;
  kind: string;
  state: string;
  statusCode?: string;
  detail?: string;
  stateOccurredAt: Date;
  createdAt: Date;
  updatedAt: Date;
}

export interface EventRow {
  eventId: string;
  event: string;
  recipient: string;
  sender: string;
  kind: string;
  statusCode?: string;
  detail?: string;
  nodeId: string;
  documentId?: string;
  occurredAt: Date;
  receivedAt: Date;
}

export interface DocumentSearch {
  /** The axis's document uuid, exact. */
  uuid?: string;
  /** Part of the edXML DocumentId (sender code, date, code/notation such as `123/VPCP-TTĐT`). */
  text?: string;
  /** Sender or recipient. */
  agency?: string;
  state?: string;
  from?: Date;
  to?: Date;
  /** Rows with a smaller seq (the next page). */
  before?: string;
  limit: number;
}

export interface AgencyRow {
  code: string;
  name: string;
  parentCode?: string;
  nodeId?: string;
  state: 'active' | 'suspended';
  certificateSerial?: string;
  certificateNotAfter?: Date;
  certificateRevokedAt?: Date;
  createdAt: Date;
}

export abstract class DashboardRepository {
  /** Documents per hour since `since` (edoc packages only, by the nodes' clocks). */
  abstract hourlyCounts(since: Date): Promise<HourBucket[]>;

  /** Submitted → delivered, for copies delivered since `since`. */
  abstract latency(since: Date): Promise<LatencyPercentiles>;

  /** Deliveries of documents (not statuses) per state. */
  abstract stateCounts(): Promise<Record<string, number>>;

  /** Newest first; one more than `limit` tells that there is a next page. */
  abstract searchDeliveries(search: DocumentSearch): Promise<DeliveryRow[]>;

  abstract documentDeliveries(documentUuid: string): Promise<DeliveryRow[]>;

  abstract documentEvents(documentUuid: string): Promise<EventRow[]>;

  /** Failed, quarantined and rejected deliveries, latest first. */
  abstract failures(limit: number): Promise<DeliveryRow[]>;

  /** Every agency with the certificate the directory hands out for it. */
  abstract agencies(): Promise<AgencyRow[]>;

  /** Document copies (edoc) the axis first heard of in [from, to), with each step's first time. */
  abstract reportDeliveries(from: Date, to: Date): Promise<ReportDelivery[]>;
}
