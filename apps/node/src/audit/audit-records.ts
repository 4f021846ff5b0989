import type { AuditRecord } from '@lienthong/audit';
import type { ApiCaller } from '../domain/api-key';
import { packageSha256 } from '../domain/package-digest';

/** Who did it, as audit entries name them. */
export const actorOf = {
  apiKey: (caller: ApiCaller) => `api-key:${caller.keyId}`,
  admin: 'admin',
  /** The node itself: the relay, the inbound consumer. */
  node: 'node',
  agency: (code: string) => `agency:${code}`,
} as const;

/** The package's SHA-256, computed once for its row and its audit entry. */
export function sha256Hex(bytes: Buffer): string {
  return packageSha256(bytes);
}

/** A status package sent or received about one of our documents. */
export function statusRecord(
  action: 'status.sent' | 'status.received',
  input: {
    actor: string;
    agency: string;
    aboutUuid: string;
    statusUuid: string;
    statusCode: string;
    from: string;
    to: string;
    packageBytes: Buffer;
    time?: Date;
  },
): AuditRecord {
  return {
    action,
    actor: input.actor,
    agency: input.agency,
    documentId: input.aboutUuid,
    details: {
      statusUuid: input.statusUuid,
      statusCode: input.statusCode,
      from: input.from,
      to: input.to,
      packageSha256: sha256Hex(input.packageBytes),
      packageSize: input.packageBytes.length,
    },
    ...(input.time ? { time: input.time } : {}),
  };
}
