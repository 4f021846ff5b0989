export interface CrlRecord {
  /** cRLNumber: strictly increasing, never reused. */
  number: bigint;
  pem: string;
  thisUpdate: Date;
  nextUpdate: Date;
}
