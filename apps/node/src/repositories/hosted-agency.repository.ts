import type { HostedAgency } from '../domain/hosted-agency';

export abstract class HostedAgencyRepository {
  abstract findActive(code: string): Promise<HostedAgency | undefined>;
  abstract find(code: string): Promise<HostedAgency | undefined>;
  abstract listActive(): Promise<HostedAgency[]>;
  abstract countActive(): Promise<number>;
  /** Inserts, or replaces a removed agency re-enrolled with a new key. */
  abstract save(agency: HostedAgency): Promise<void>;
  /** Keeps the key and certificate (old signatures stay attributable); false when not active. */
  abstract markRemoved(code: string, at: Date): Promise<boolean>;
}
