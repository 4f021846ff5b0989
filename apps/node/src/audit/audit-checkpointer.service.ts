import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { AppError } from '@lienthong/common';
import type { KeyObject } from 'node:crypto';
import { CheckpointRecord, signCheckpointRequest } from '@lienthong/audit';
import { loadPrivateKey } from '@lienthong/pki';
import { HostedAgencyRepository } from '../repositories/hosted-agency.repository';
import { NODE_CONFIG, NodeConfig } from '../config/node-config';
import { CheckpointClient } from './checkpoint-client';
import { AuditLog } from './audit-log';
import { AuditSealer } from './audit-sealer.service';

/** Links per request: a long gap goes to the axis in several checkpoints. */
const CHUNK = 50_000;
const DEFAULT_INTERVAL_SECONDS = 300;

/**
 * Sends the chain head to the axis every AUDIT_CHECKPOINT_SECONDS (and on demand: evidence export,
 * admin), with the body hashes of every entry since the last checkpoint, and keeps what the axis
 * signed. One run at a time.
 */
@Injectable()
export class AuditCheckpointer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(AuditCheckpointer.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<CheckpointRecord | undefined>;

  constructor(
    private readonly log: AuditLog,
    private readonly sealer: AuditSealer,
    private readonly agencies: HostedAgencyRepository,
    private readonly axis: CheckpointClient,
    @Inject(NODE_CONFIG) private readonly config: NodeConfig,
  ) {}

  onApplicationBootstrap(): void {
    const seconds = this.config.auditCheckpointSeconds ?? DEFAULT_INTERVAL_SECONDS;
    this.timer = setInterval(() => {
      this.checkpointNow().catch((error: Error) =>
        this.logger.warn(`audit checkpoint failed: ${error.message}`),
      );
    }, seconds * 1000);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running?.catch(() => undefined);
  }

  /** The latest checkpoint once the head as of now is covered (undefined: the log is empty). */
  checkpointNow(): Promise<CheckpointRecord | undefined> {
    const run = (this.running ?? Promise.resolve(undefined)).catch(() => undefined).then(() => this.run());
    this.running = run;
    return run;
  }

  /** The node proves who it is with the key of an agency it hosts (the axis knows the certificate's node). */
  private async signer(): Promise<{ key: KeyObject; certificatePem: string }> {
    const [agency] = await this.agencies.listActive();
    if (!agency) {
      throw new AppError(
        'unavailable',
        'NO_HOSTED_AGENCY',
        'No hosted agency yet to sign the audit checkpoint request with',
      );
    }
    return {
      key: loadPrivateKey(agency.keyPem, this.config.keyPassphrase),
      certificatePem: agency.certificatePem,
    };
  }

  private async run(): Promise<CheckpointRecord | undefined> {
    await this.sealer.sealNow();
    const head = await this.log.head();
    let last = await this.log.latestCheckpoint();
    if (head.seq === 0) return undefined;
    const signer = await this.signer();
    let fromSeq = (last?.seq ?? 0) + 1;
    let resynced = false;
    while (fromSeq <= head.seq) {
      const toSeq = Math.min(head.seq, fromSeq + CHUNK - 1);
      const [bodyHashes, headHash] = await Promise.all([
        this.log.bodyHashes(fromSeq, toSeq),
        toSeq === head.seq ? head.hash : this.log.hashAt(toSeq),
      ]);
      try {
        last = await this.axis.checkpoint(
          signCheckpointRequest(
            { nodeId: this.config.nodeId, fromSeq, bodyHashes, seq: toSeq, headHash: headHash! },
            signer.key,
            signer.certificatePem,
          ),
        );
      } catch (error) {
        // The axis knows a later checkpoint than ours (e.g. ours was not saved): continue from it.
        const lastSeq = (error as AppError).details?.lastSeq;
        if (
          (error as AppError).code === 'CHECKPOINT_OUT_OF_STEP' &&
          typeof lastSeq === 'number' &&
          !resynced
        ) {
          resynced = true;
          if (lastSeq > head.seq) {
            // Our log is shorter than what the axis already signed: entries were removed here.
            this.logger.error(`the axis signed entry ${lastSeq} but the audit log ends at ${head.seq}`);
            throw AppError.conflict(
              'CHECKPOINT_MISMATCH',
              `The audit log ends at entry ${head.seq}, but the axis signed a checkpoint at entry ${lastSeq}: entries were removed`,
              { lastSeq, headSeq: head.seq },
            );
          }
          fromSeq = lastSeq + 1;
          continue;
        }
        throw error;
      }
      await this.log.saveCheckpoint(last);
      fromSeq = toSeq + 1;
    }
    return last;
  }
}
