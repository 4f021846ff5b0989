/** Which hosted agencies' inbox queues this process consumes; changed at run time, no restart. */
export abstract class InboxConsumers {
  /** Idempotent. Rejects when the queue cannot be consumed (e.g. the axis has not declared it yet). */
  abstract start(agencyCode: string): Promise<void>;
  abstract stop(agencyCode: string): Promise<void>;
  abstract isConsuming(agencyCode: string): boolean;
  /** The hosted agency whose inbox `queue` is. */
  abstract agencyOf(queue: string): string | undefined;
}
