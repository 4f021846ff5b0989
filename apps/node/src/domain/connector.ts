/**
 * A VDXP connector: the credential an agency's software configures in the official VPCP SDK
 * (`systemid` + `secret`), and the hosted agencies it may act for. In shared mode one connector
 * commonly hosts many agencies (e.g. `vxp.saas.03`).
 */
export interface Connector {
  systemId: string;
  name: string;
  agencies: string[];
  disabledAt?: Date;
  /** When the secret was last set (creation or rotation). */
  secretSetAt: Date;
  createdAt: Date;
}

/** A connector with its secret, encrypted at rest with NODE_KEY_PASSPHRASE (see SecretBox). */
export interface StoredConnector extends Connector {
  secretCiphertext: string;
}

/** An updateStatus `fail`: the agency's software could not process a received item. */
export interface VdxpFailure {
  documentUuid: string;
  agencyCode: string;
  systemId: string;
  reason: string;
  reportedAt: Date;
}
