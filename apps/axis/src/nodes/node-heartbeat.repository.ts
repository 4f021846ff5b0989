import type { NodeHeartbeat } from '@lienthong/protocol';

/** The latest heartbeat of a node, as the axis keeps it. */
export interface NodeStatus {
  nodeId: string;
  mode: 'dedicated' | 'shared';
  agencies: string[];
  intervalSeconds: number;
  /** The node's clock. */
  sentAt: Date;
  /** The axis's clock: what "last seen" means. */
  receivedAt: Date;
  firstSeenAt: Date;
}

export abstract class NodeHeartbeatRepository {
  /** Keeps the newest heartbeat of each node (by `sentAt`); an older one arriving late changes nothing. */
  abstract record(heartbeat: NodeHeartbeat, receivedAt: Date): Promise<void>;

  abstract list(): Promise<NodeStatus[]>;
}
