import type { TraceEventName } from '@lienthong/protocol';

/*
 * The states of a delivery and their order. A delivery only moves forward: a step of a higher rank
 * replaces a lower one whatever the order in which the events arrive (the recipient's node may
 * report `delivered` before the sender's node reports `published`). Failures are the exception:
 * they hold until a success that happened later (by the nodes' clocks), e.g. after a re-drive.
 */
const STATES = {
  submitted: { rank: 10 },
  published: { rank: 20 },
  failed: { rank: 20, failure: true },
  delivered: { rank: 30 },
  quarantined: { rank: 30, failure: true },
  arrived: { rank: 31, statusCode: '01' },
  rejected: { rank: 31, statusCode: '02', failure: true },
  taken: { rank: 35 },
  accepted: { rank: 40, statusCode: '03' },
  assigned: { rank: 50, statusCode: '04' },
  processing: { rank: 60, statusCode: '05' },
  finished: { rank: 70, statusCode: '06' },
  withdrawn: { rank: 80, statusCode: '13' },
  'revoke-update-agreed': { rank: 90, statusCode: '15' },
  'revoke-update-refused': { rank: 90, statusCode: '16' },
} as const satisfies Record<string, { rank: number; statusCode?: string; failure?: boolean }>;

export type DeliveryState = keyof typeof STATES;

export const DELIVERY_STATES = Object.keys(STATES) as DeliveryState[];

const BY_STATUS_CODE = new Map<string, DeliveryState>(
  DELIVERY_STATES.flatMap((state) => {
    const code = (STATES[state] as { statusCode?: string }).statusCode;
    return code ? [[code, state] as const] : [];
  }),
);

export const TRACKED_STATUS_CODES = [...BY_STATUS_CODE.keys()];

/** The state an event stands for; undefined for a status code the axis does not track. */
export function stateOfEvent(event: TraceEventName, statusCode?: string): DeliveryState | undefined {
  if (event === 'status') return statusCode === undefined ? undefined : BY_STATUS_CODE.get(statusCode);
  return event;
}

export function isFailure(state: DeliveryState): boolean {
  return 'failure' in STATES[state];
}

export function rankOf(state: DeliveryState): number {
  return STATES[state].rank;
}

export interface Step {
  state: DeliveryState;
  occurredAt: Date;
}

/**
 * Whether `next` replaces `current`. Between two successes the rank decides (time only breaks a
 * tie, e.g. 15 after 16); as soon as a failure is involved, the step that happened later does.
 */
export function supersedes(current: Step, next: Step): boolean {
  const later = next.occurredAt.getTime() > current.occurredAt.getTime();
  if (isFailure(current.state) || isFailure(next.state)) {
    const sameTime = next.occurredAt.getTime() === current.occurredAt.getTime();
    return later || (sameTime && rankOf(next.state) > rankOf(current.state));
  }
  return (
    rankOf(next.state) > rankOf(current.state) || (rankOf(next.state) === rankOf(current.state) && later)
  );
}
