/** An agency software's credential. Only the SHA-256 of the key is ever stored. */
export interface ApiKey {
  id: string;
  name: string;
  agencies: string[];
  disabledAt?: Date;
  createdAt: Date;
}

/** Who is calling the agency API: the agencies its key may act for, and nothing else. */
export interface ApiCaller {
  keyId: string;
  agencies: readonly string[];
}
