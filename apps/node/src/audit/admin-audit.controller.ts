import { Controller, Get, HttpCode, Inject, Post, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { CheckpointRecord } from '@lienthong/audit';
import { NODE_CONFIG, NodeConfig } from '../config/node-config';
import { AdminTokenGuard } from '../http/admin-token.guard';
import { AuditCheckpointer } from './audit-checkpointer.service';
import { AuditLog } from './audit-log';
import { AuditSealer } from './audit-sealer.service';

const PAGE = 5_000;

@ApiTags('admin')
@ApiBearerAuth()
@UseGuards(AdminTokenGuard)
@Controller('api/v1/admin/audit')
export class AdminAuditController {
  constructor(
    private readonly log: AuditLog,
    private readonly checkpointer: AuditCheckpointer,
    private readonly sealer: AuditSealer,
    @Inject(NODE_CONFIG) private readonly config: NodeConfig,
  ) {}

  /**
   * The whole audit log as NDJSON, for `lienthong audit verify-log`: a header line, every entry in
   * order, then the checkpoints the axis signed (the node's copies).
   */
  @Get('log')
  @ApiOperation({ summary: 'Export the whole audit log (NDJSON)' })
  async export(@Res() res: Response): Promise<void> {
    await this.sealer.sealNow();
    const head = await this.log.head();
    res.setHeader('content-type', 'application/x-ndjson');
    res.setHeader('content-disposition', `attachment; filename="audit-${this.config.nodeId}.ndjson"`);
    res.write(
      `${JSON.stringify({ type: 'lienthong.audit-log', version: 1, nodeId: this.config.nodeId, exportedAt: new Date().toISOString(), head })}\n`,
    );
    for (let from = 1; from <= head.seq; from += PAGE) {
      const entries = await this.log.list(from, Math.min(PAGE, head.seq - from + 1));
      res.write(entries.map((e) => `${JSON.stringify({ type: 'entry', ...e })}\n`).join(''));
    }
    for (const c of await this.log.listCheckpoints())
      res.write(`${JSON.stringify({ type: 'checkpoint', ...c })}\n`);
    res.end();
  }

  /** Sends the chain head to the axis now (it is also sent every AUDIT_CHECKPOINT_SECONDS). */
  @Post('checkpoint')
  @HttpCode(200)
  @ApiOperation({ summary: 'Have the axis sign the current audit chain head now' })
  async checkpoint(): Promise<CheckpointRecord | { seq: 0 }> {
    return (await this.checkpointer.checkpointNow()) ?? { seq: 0 };
  }
}
