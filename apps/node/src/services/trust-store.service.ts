import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { IncomingNotification, MessageBus, Subscription } from '@lienthong/bus';
import { AppError } from '@lienthong/common';
import { parseTrustNotification, type DirectoryEntry } from '@lienthong/protocol';
import { splitPemCertificates } from '@lienthong/pki';
import { NODE_CONFIG, NodeConfig } from '../config/node-config';
import type { TrustMaterial } from '../domain/trust';
import { AxisClient } from '../ports/axis-client';
import { HostedAgencyRepository } from '../repositories/hosted-agency.repository';
import { TrustCacheRepository } from '../repositories/trust-cache.repository';

const MISS_REFRESH_MIN_INTERVAL_MS = 500;

/**
 * The CA certificates, CRL and directory the axis publishes: refreshed at once when the axis says
 * on the bus that they changed, and every TRUST_REFRESH_SECONDS in case a notification is missed.
 * A failed refresh keeps the last good copy (also kept in the database, for a restart while the
 * axis is down): verification continues on what was last known to be true.
 */
@Injectable()
export class TrustStore implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(TrustStore.name);
  private axisAnchors: string[] = [];
  private readonly enrollmentAnchors = new Set<string>();
  private crlPem?: string;
  private entries?: DirectoryEntry[];
  private timer?: NodeJS.Timeout;
  private refreshing?: Promise<void>;
  private lastRefreshStartedAt = 0;
  private notifications?: Subscription;

  constructor(
    private readonly axis: AxisClient,
    private readonly cache: TrustCacheRepository,
    private readonly agencies: HostedAgencyRepository,
    @Inject(NODE_CONFIG) private readonly config: NodeConfig,
    private readonly bus: MessageBus,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const cached = await this.cache.load();
    if (cached.ca) this.axisAnchors = splitPemCertificates(cached.ca);
    if (cached.crl) this.crlPem = cached.crl;
    if (cached.directory) this.entries = JSON.parse(cached.directory) as DirectoryEntry[];
    for (const agency of await this.agencies.listActive()) this.addAnchor(agency.caCertificatePem);
    await this.refresh();
    this.timer = setInterval(() => void this.poll(), this.config.trustRefreshSeconds * 1000);
    this.timer.unref();
    await this.listenForChanges();
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    await this.notifications?.cancel().catch(() => undefined);
    this.notifications = undefined;
  }

  private async poll(): Promise<void> {
    // Started before the axis declared its exchanges? Listen as soon as they exist.
    if (!this.notifications) await this.listenForChanges();
    await this.refresh();
  }

  /** A revocation must bite within a moment, not a polling period later. */
  private async listenForChanges(): Promise<void> {
    try {
      this.notifications = await this.bus.subscribeNotifications((n) => this.onNotification(n));
    } catch (error) {
      // Polling still refreshes; only the promptness is lost.
      this.logger.warn(`Not listening for trust notifications: ${(error as Error).message}`);
    }
  }

  private async onNotification(message: IncomingNotification): Promise<void> {
    const notification = parseTrustNotification(message.body);
    if (!notification) return; // something a newer axis says: polling covers it
    this.logger.log(`Axis notification ${notification.type}: refreshing trust material`);
    await this.refresh();
  }

  /** The CA that certified a hosted agency at enrollment is trusted from then on. */
  addAnchor(pem: string): void {
    for (const cert of splitPemCertificates(pem)) this.enrollmentAnchors.add(cert.trim());
  }

  /** One refresh at a time; callers share the one in flight. */
  refresh(): Promise<void> {
    this.lastRefreshStartedAt = Date.now();
    this.refreshing ??= this.fetchAll().finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  /**
   * An agency registered since the last refresh must be reachable at once, not a refresh period
   * later. Misses wait for the minimum interval and then share one fetch, so unknown codes cannot
   * turn into a flood of axis calls; the caller waits at most that interval.
   */
  async refreshAfterMiss(): Promise<void> {
    const missedAt = Date.now();
    const wait = this.lastRefreshStartedAt + MISS_REFRESH_MIN_INTERVAL_MS - missedAt;
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    // A fetch that started after the miss already answers it; otherwise start (or join) one.
    if (this.refreshing && this.lastRefreshStartedAt >= missedAt) return this.refreshing;
    if (this.lastRefreshStartedAt >= missedAt) return;
    return this.refresh();
  }

  /** undefined until at least one trust anchor is known: nothing can be verified yet. */
  material(): TrustMaterial | undefined {
    const anchors = [...new Set([...this.axisAnchors.map((a) => a.trim()), ...this.enrollmentAnchors])];
    if (anchors.length === 0) return undefined;
    return { anchorPems: anchors, crlPems: this.crlPem ? [this.crlPem] : [] };
  }

  /** Throws `unavailable` while no directory has ever been fetched. */
  directory(): DirectoryEntry[] {
    if (!this.entries) {
      throw new AppError(
        'unavailable',
        'DIRECTORY_UNAVAILABLE',
        'The agency directory has not been fetched from the axis yet',
      );
    }
    return this.entries;
  }

  /** An active agency of the directory, by identifier code. */
  findActive(code: string): DirectoryEntry | undefined {
    return this.directory().find((e) => e.code === code && e.state === 'active');
  }

  private async fetchAll(): Promise<void> {
    const now = new Date();
    const [ca, crl, directory] = await Promise.allSettled([
      this.axis.caCertificates(),
      this.axis.crl(),
      this.axis.directory(),
    ]);
    if (ca.status === 'fulfilled') {
      const anchors = splitPemCertificates(ca.value);
      if (anchors.length > 0) {
        this.axisAnchors = anchors;
        await this.store('ca', ca.value, now);
      }
    }
    if (crl.status === 'fulfilled' && crl.value !== undefined) {
      this.crlPem = crl.value;
      await this.store('crl', crl.value, now);
    }
    if (directory.status === 'fulfilled') {
      this.entries = directory.value;
      await this.store('directory', JSON.stringify(directory.value), now);
    }
    const failed = [ca, crl, directory].filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed.length > 0) {
      this.logger.warn(
        `Trust refresh incomplete, keeping the last good copy: ${(failed[0].reason as Error).message}`,
      );
    }
  }

  private async store(name: 'ca' | 'crl' | 'directory', content: string, at: Date): Promise<void> {
    try {
      await this.cache.save(name, content, at);
    } catch (error) {
      this.logger.warn(`Could not keep the ${name} for restarts: ${(error as Error).message}`);
    }
  }
}
