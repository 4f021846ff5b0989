/** What an audit entry records. Node and axis share one list, so a verifier knows every word. */
export const AUDIT_ACTIONS = [
  // a node, about documents
  'document.submitted',
  'document.signed',
  'document.published',
  'document.publish-failed',
  'document.received',
  'document.verified',
  'document.rejected',
  'document.quarantined',
  'document.taken',
  'status.sent',
  'status.received',
  // a node, administration
  'agency.onboarded',
  'agency.removed',
  'agency.key-changed',
  'api-key.created',
  'api-key.revoked',
  // a node, VDXP (the official VPCP SDK's protocol, docs/vdxp.md)
  'connector.created',
  'connector.secret-rotated',
  'connector.disabled',
  'vdxp.refused',
  // the axis
  'agency.registered',
  'agency.updated',
  'agency.suspended',
  'agency.reactivated',
  'enrollment.issued',
  'enrollment.completed',
  'certificate.issued',
  'certificate.revoked',
  'checkpoint.signed',
  'checkpoint.refused',
  'delivery.redriven',
] as const;

export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export function isAuditAction(value: unknown): value is AuditAction {
  return typeof value === 'string' && (AUDIT_ACTIONS as readonly string[]).includes(value);
}
