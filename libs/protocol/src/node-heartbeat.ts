/**
 * What every node tells the axis periodically, so operators see which nodes are alive and which
 * agencies each serves. One JSON object per message on the trace exchange with routing key
 * {@link HEARTBEAT_ROUTING_KEY} (never a trace event name); the axis keeps the latest per node.
 */
export const HEARTBEAT_ROUTING_KEY = 'heartbeat';

export interface NodeHeartbeat {
  type: 'heartbeat';
  nodeId: string;
  mode: 'dedicated' | 'shared';
  /** Identifier codes of the agencies the node hosts (active ones). */
  agencies: string[];
  /** The node's configured interval, so the axis can tell a late heartbeat from a missing one. */
  intervalSeconds: number;
  /** ISO 8601, the node's clock. */
  sentAt: string;
}

const CODE = /^[A-Za-z0-9_.-]{1,100}$/;

/** The heartbeat in a message body, or undefined when it is not one (malformed, unknown shape). */
export function parseNodeHeartbeat(body: Buffer | string): NodeHeartbeat | undefined {
  let value: unknown;
  try {
    value = JSON.parse(typeof body === 'string' ? body : body.toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as Record<string, unknown>;
  if (v.type !== 'heartbeat') return undefined;
  if (typeof v.nodeId !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(v.nodeId)) return undefined;
  if (v.mode !== 'dedicated' && v.mode !== 'shared') return undefined;
  if (!Array.isArray(v.agencies) || v.agencies.length > 10_000) return undefined;
  if (!v.agencies.every((a) => typeof a === 'string' && CODE.test(a))) return undefined;
  const interval = v.intervalSeconds;
  if (typeof interval !== 'number' || !Number.isFinite(interval) || interval <= 0) return undefined;
  if (typeof v.sentAt !== 'string' || Number.isNaN(Date.parse(v.sentAt))) return undefined;
  return {
    type: 'heartbeat',
    nodeId: v.nodeId,
    mode: v.mode,
    agencies: v.agencies as string[],
    intervalSeconds: interval,
    sentAt: v.sentAt,
  };
}
