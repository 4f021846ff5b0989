import type { DirectoryEntry } from '@lienthong/protocol';

/** What verification trusts: the axis CA certificate(s) and its revocation list. */
export interface TrustMaterial {
  anchorPems: string[];
  crlPems: string[];
}

export interface TrustSnapshot extends TrustMaterial {
  directory: DirectoryEntry[];
}
