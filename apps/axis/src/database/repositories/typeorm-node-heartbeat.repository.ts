import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { NodeHeartbeat } from '@lienthong/protocol';
import type { DataSource } from 'typeorm';
import { NodeHeartbeatRepository, NodeStatus } from '../../nodes/node-heartbeat.repository';
import { AXIS_DATA_SOURCE } from '../data-source-name';

interface Row {
  node_id: string;
  mode: 'dedicated' | 'shared';
  agencies: string[];
  interval_seconds: number;
  sent_at: Date;
  received_at: Date;
  first_seen_at: Date;
}

@Injectable()
export class TypeormNodeHeartbeatRepository extends NodeHeartbeatRepository {
  constructor(@InjectDataSource(AXIS_DATA_SOURCE) private readonly db: DataSource) {
    super();
  }

  async record(heartbeat: NodeHeartbeat, receivedAt: Date): Promise<void> {
    await this.db.query(
      `INSERT INTO node_heartbeat AS h
         (node_id, mode, agencies, interval_seconds, sent_at, received_at, first_seen_at)
       VALUES ($1, $2, $3, $4, $5, $6, $6)
       ON CONFLICT (node_id) DO UPDATE
         SET mode = excluded.mode, agencies = excluded.agencies,
             interval_seconds = excluded.interval_seconds, sent_at = excluded.sent_at,
             received_at = excluded.received_at
         WHERE h.sent_at <= excluded.sent_at`,
      [
        heartbeat.nodeId,
        heartbeat.mode,
        heartbeat.agencies,
        Math.round(heartbeat.intervalSeconds),
        new Date(heartbeat.sentAt),
        receivedAt,
      ],
    );
  }

  async list(): Promise<NodeStatus[]> {
    const rows = (await this.db.query(`SELECT * FROM node_heartbeat ORDER BY node_id`)) as Row[];
    return rows.map((r) => ({
      nodeId: r.node_id,
      mode: r.mode,
      agencies: r.agencies,
      intervalSeconds: r.interval_seconds,
      sentAt: new Date(r.sent_at),
      receivedAt: new Date(r.received_at),
      firstSeenAt: new Date(r.first_seen_at),
    }));
  }
}
