import { workingDayDeadline } from './working-days';

/*
 * The Government Office's figures for a period (docs/dashboard.md, "Reports"). Pure: the read
 * model hands over the period's deliveries with the first time each step happened, this computes.
 */

/** One document on its way to one recipient, with the first time each step happened. */
export interface ReportDelivery {
  documentUuid: string;
  documentId?: string;
  sender: string;
  recipient: string;
  /** The delivery's current state (delivery-state.ts). */
  state: string;
  /** When the sender's node accepted it (the `submitted` event, else when the axis first heard of it). */
  sentAt: Date;
  /** `delivered` event or status 01/02. */
  arrivedAt?: Date;
  /** `taken` event, or any status 03…06 (a recipient that answered has taken it). */
  takenAt?: Date;
  /** Status 03…06. */
  acceptedAt?: Date;
  /** Status 06. */
  finishedAt?: Date;
}

export interface ReportAgency {
  code: string;
  name: string;
  state: 'active' | 'suspended';
  /** Has a current, unrevoked certificate: its node can sign and be verified. */
  connected: boolean;
  /** The mode of the node hosting it, from that node's heartbeat; undefined if never heard of. */
  mode?: 'dedicated' | 'shared';
}

export interface ReportOptions {
  from: Date;
  to: Date;
  /** Working days to arrive, be taken and be accepted (03). */
  workingDays: number;
  /** Working days to be finished (06). */
  finishWorkingDays: number;
  holidays: ReadonlySet<string>;
  /** The figures are "as of" this instant (normally now). */
  asOf: Date;
}

export const LATE_STEPS = ['not-arrived', 'not-taken', 'not-accepted', 'not-finished'] as const;
export type LateStep = (typeof LATE_STEPS)[number];

export interface LateDelivery {
  documentUuid: string;
  documentId?: string;
  sender: string;
  recipient: string;
  sentAt: Date;
  step: LateStep;
  deadline: Date;
}

export type LateCounts = Record<LateStep, number>;

export interface AgencyReportRow {
  code: string;
  name: string;
  mode?: 'dedicated' | 'shared';
  connected: boolean;
  state: 'active' | 'suspended';
  /** Documents it sent in the period (each counted once, whatever the number of recipients). */
  documentsSent: number;
  /** Copies addressed to it in the period, and how many of them arrived. */
  copiesAddressed: number;
  copiesReceived: number;
  /** Copies addressed to it that are late, by the first step they lack. */
  late: LateCounts;
}

export interface GovernmentReport {
  options: ReportOptions;
  agenciesConnected: number;
  agenciesSent: number;
  agenciesReceived: number;
  dedicated: number;
  shared: number;
  unknownMode: number;
  documentsSent: number;
  copiesSent: number;
  copiesReceived: number;
  late: LateCounts;
  rows: AgencyReportRow[];
  /** Every late copy, oldest first. */
  lateDeliveries: LateDelivery[];
}

/** The recipient said no, or the sender took it back: nobody should chase it any further. */
const CLOSED_STATES = new Set(['rejected', 'withdrawn', 'revoke-update-agreed', 'revoke-update-refused']);

const reached = (at: Date | undefined, asOf: Date) => at !== undefined && at.getTime() <= asOf.getTime();

/**
 * The first step a delivery lacks once its deadline has passed, or undefined when it is on time
 * (or closed). A copy counts once, at the first missing step: arrival, taking, acceptance (03)
 * within `workingDays`, then finishing (06) within `finishWorkingDays`.
 */
export function lateStep(
  d: ReportDelivery,
  options: Pick<ReportOptions, 'workingDays' | 'finishWorkingDays' | 'holidays' | 'asOf'>,
): { step: LateStep; deadline: Date } | undefined {
  const { asOf } = options;
  const due = workingDayDeadline(d.sentAt, options.workingDays, options.holidays);
  const overdue = due.getTime() < asOf.getTime();
  if (!reached(d.arrivedAt, asOf)) return overdue ? { step: 'not-arrived', deadline: due } : undefined;
  if (CLOSED_STATES.has(d.state)) return undefined;
  if (!reached(d.takenAt, asOf)) return overdue ? { step: 'not-taken', deadline: due } : undefined;
  if (!reached(d.acceptedAt, asOf)) return overdue ? { step: 'not-accepted', deadline: due } : undefined;
  if (reached(d.finishedAt, asOf)) return undefined;
  const finishDue = workingDayDeadline(d.sentAt, options.finishWorkingDays, options.holidays);
  return finishDue.getTime() < asOf.getTime() ? { step: 'not-finished', deadline: finishDue } : undefined;
}

const noneLate = (): LateCounts => ({
  'not-arrived': 0,
  'not-taken': 0,
  'not-accepted': 0,
  'not-finished': 0,
});

export function buildReport(
  agencies: readonly ReportAgency[],
  deliveries: readonly ReportDelivery[],
  options: ReportOptions,
): GovernmentReport {
  const rows = new Map<string, AgencyReportRow>();
  const row = (code: string): AgencyReportRow => {
    let r = rows.get(code);
    if (!r) {
      const agency = agencies.find((a) => a.code === code);
      r = {
        code,
        name: agency?.name ?? code,
        mode: agency?.mode,
        connected: agency?.connected ?? false,
        state: agency?.state ?? 'active',
        documentsSent: 0,
        copiesAddressed: 0,
        copiesReceived: 0,
        late: noneLate(),
      };
      rows.set(code, r);
    }
    return r;
  };
  for (const agency of agencies) row(agency.code);

  const sentBy = new Map<string, Set<string>>();
  const late = noneLate();
  const lateDeliveries: LateDelivery[] = [];
  let copiesReceived = 0;
  for (const d of deliveries) {
    const documents = sentBy.get(d.sender) ?? new Set<string>();
    documents.add(d.documentUuid);
    sentBy.set(d.sender, documents);
    const recipient = row(d.recipient);
    recipient.copiesAddressed++;
    if (reached(d.arrivedAt, options.asOf)) {
      recipient.copiesReceived++;
      copiesReceived++;
    }
    const lateness = lateStep(d, options);
    if (lateness) {
      recipient.late[lateness.step]++;
      late[lateness.step]++;
      lateDeliveries.push({
        documentUuid: d.documentUuid,
        ...(d.documentId !== undefined ? { documentId: d.documentId } : {}),
        sender: d.sender,
        recipient: d.recipient,
        sentAt: d.sentAt,
        ...lateness,
      });
    }
  }
  for (const [sender, documents] of sentBy) row(sender).documentsSent = documents.size;

  const sorted = [...rows.values()].sort((a, b) => a.code.localeCompare(b.code));
  return {
    options,
    agenciesConnected: agencies.filter((a) => a.connected && a.state === 'active').length,
    agenciesSent: sorted.filter((r) => r.documentsSent > 0).length,
    agenciesReceived: sorted.filter((r) => r.copiesReceived > 0).length,
    dedicated: agencies.filter((a) => a.mode === 'dedicated').length,
    shared: agencies.filter((a) => a.mode === 'shared').length,
    unknownMode: agencies.filter((a) => a.mode === undefined).length,
    documentsSent: [...sentBy.values()].reduce((n, s) => n + s.size, 0),
    copiesSent: deliveries.length,
    copiesReceived,
    late,
    rows: sorted,
    lateDeliveries: lateDeliveries.sort((a, b) => a.sentAt.getTime() - b.sentAt.getTime()),
  };
}
