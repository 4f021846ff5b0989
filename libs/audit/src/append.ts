import type { AuditAppendArrays } from './sql';
import { AuditRecord, auditBody, bodyText } from './entry';

/** Records as the six parameter arrays of `auditAppendCtes`. */
export function appendArrays(records: readonly AuditRecord[]): AuditAppendArrays {
  const out: AuditAppendArrays = {
    times: [],
    actions: [],
    actors: [],
    agencies: [],
    documentIds: [],
    bodies: [],
  };
  for (const record of records) {
    const body = auditBody(record);
    out.times.push(new Date(body.time));
    out.actions.push(body.action);
    out.actors.push(body.actor);
    out.agencies.push(body.agency);
    out.documentIds.push(body.documentId);
    out.bodies.push(bodyText(body));
  }
  return out;
}

/** The arrays in the order of AUDIT_APPEND_TYPES. */
export function appendValues(a: AuditAppendArrays): unknown[] {
  return [a.times, a.actions, a.actors, a.agencies, a.documentIds, a.bodies];
}
