export interface Enrollment {
  id: string;
  agencyCode: string;
  createdAt: Date;
  expiresAt: Date;
  usedAt?: Date;
}

export interface NewEnrollment {
  agencyCode: string;
  /** SHA-256 of the token (hex); the token itself is never stored. */
  tokenHash: string;
  expiresAt: Date;
}
