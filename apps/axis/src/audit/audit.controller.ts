import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuditEntry, CheckpointRecord, CheckpointRequest } from '@lienthong/audit';
import { AppError } from '@lienthong/common';
import { OperatorOnly } from '../http/operator.decorator';
import { AuditService } from './audit.service';
import { CheckpointService } from './checkpoint.service';

/**
 * Node-facing and public: nodes send their chain heads; auditors read the signed checkpoints
 * (they are digests and numbers, nothing confidential). The axis's own log is the operator's.
 */
@ApiTags('audit')
@Controller('audit')
export class AuditController {
  constructor(
    private readonly checkpoints: CheckpointService,
    private readonly audit: AuditService,
  ) {}

  @Post('checkpoints')
  @HttpCode(201)
  @ApiOperation({ summary: "Sign a node's audit chain head (continuing the last one signed)" })
  sign(@Body() body: CheckpointRequest): Promise<CheckpointRecord> {
    return this.checkpoints.sign(body);
  }

  @Get('checkpoints')
  @ApiOperation({ summary: 'Every checkpoint signed for a node, oldest first' })
  list(@Query('nodeId') nodeId?: string): Promise<CheckpointRecord[]> {
    if (!nodeId) throw AppError.invalid('NODE_ID_REQUIRED', 'Give ?nodeId=');
    return this.checkpoints.list(nodeId);
  }

  @Get('log')
  @OperatorOnly()
  @ApiOperation({ summary: "The axis's own audit log, from ?fromSeq= (default 1), at most ?limit= entries" })
  log(@Query('fromSeq') fromSeq?: string, @Query('limit') limit?: string): Promise<AuditEntry[]> {
    return this.audit.list(Number(fromSeq ?? 1) || 1, Number(limit ?? 1000) || 1000);
  }
}
