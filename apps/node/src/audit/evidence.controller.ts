import { Controller, Get, Param, StreamableFile, UseGuards } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiProduces, ApiSecurity, ApiTags } from '@nestjs/swagger';
import type { ApiCaller } from '../domain/api-key';
import { ErrorResponse } from '../dtos/responses.dto';
import { ApiKeyGuard } from '../http/api-key.guard';
import { Caller } from '../http/caller.decorator';
import { EvidenceService } from './evidence.service';

@ApiTags('audit')
@ApiSecurity('api-key')
@UseGuards(ApiKeyGuard)
@Controller('api/v1/documents')
export class EvidenceController {
  constructor(private readonly evidence: EvidenceService) {}

  /**
   * The evidence bundle of a sent or received document (ZIP, docs/audit.md): check it offline with
   * `lienthong audit verify`.
   */
  @Get(':id/evidence')
  @ApiProduces('application/zip')
  @ApiOkResponse({ description: 'The evidence bundle (ZIP)' })
  @ApiNotFoundResponse({ type: ErrorResponse })
  async export(@Caller() caller: ApiCaller, @Param('id') id: string): Promise<StreamableFile> {
    const bundle = await this.evidence.export(caller, id);
    return new StreamableFile(Buffer.from(bundle.bytes), {
      type: 'application/zip',
      disposition: `attachment; filename="${bundle.fileName}"`,
    });
  }
}
