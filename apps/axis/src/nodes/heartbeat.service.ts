import { Injectable, Logger } from '@nestjs/common';
import { errorReason, HandlerOutcome, IncomingMessage } from '@lienthong/bus';
import { parseNodeHeartbeat } from '@lienthong/protocol';
import { NodeHeartbeatRepository, NodeStatus } from './node-heartbeat.repository';

/** A node is "late" after this many missed intervals, "down" after {@link DOWN_AFTER_INTERVALS}. */
export const LATE_AFTER_INTERVALS = 2;
export const DOWN_AFTER_INTERVALS = 5;

export type NodeLiveness = 'up' | 'late' | 'down';

export function livenessOf(
  node: Pick<NodeStatus, 'receivedAt' | 'intervalSeconds'>,
  now: Date,
): NodeLiveness {
  const silentFor = (now.getTime() - node.receivedAt.getTime()) / 1000;
  if (silentFor > node.intervalSeconds * DOWN_AFTER_INTERVALS) return 'down';
  if (silentFor > node.intervalSeconds * LATE_AFTER_INTERVALS) return 'late';
  return 'up';
}

/** Heartbeats from the trace queue (routing key `heartbeat`, docs/dashboard.md). */
@Injectable()
export class HeartbeatService {
  private readonly logger = new Logger(HeartbeatService.name);

  constructor(private readonly heartbeats: NodeHeartbeatRepository) {}

  async handle(message: IncomingMessage): Promise<HandlerOutcome> {
    const heartbeat = parseNodeHeartbeat(message.body);
    if (!heartbeat) return { action: 'dead-letter', reason: 'invalid heartbeat' };
    try {
      await this.heartbeats.record(heartbeat, new Date());
      return { action: 'ack' };
    } catch (error) {
      // Only the latest counts: the next one will do, no need to climb the retry ladder.
      this.logger.warn(`heartbeat of ${heartbeat.nodeId} not stored: ${errorReason(error)}`);
      return { action: 'ack' };
    }
  }

  list(): Promise<NodeStatus[]> {
    return this.heartbeats.list();
  }
}
