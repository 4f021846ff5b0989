import type { AgencyState } from '@lienthong/protocol';

export interface Agency {
  code: string;
  name: string;
  parentCode?: string;
  /** The node hosting the agency, once enrolled. */
  nodeId?: string;
  state: AgencyState;
  /** Serial of the certificate nodes should use for the agency (the latest enrollment, unless revoked). */
  certificateSerial?: string;
  createdAt: Date;
  updatedAt: Date;
}

export interface NewAgency {
  code: string;
  name: string;
  parentCode?: string;
}

/** `parentCode: null` detaches the agency from its parent; an absent field stays as it is. */
export interface AgencyChanges {
  name?: string;
  parentCode?: string | null;
  state?: AgencyState;
}
