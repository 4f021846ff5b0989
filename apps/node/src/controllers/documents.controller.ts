import {
  Controller,
  Get,
  HttpCode,
  Param,
  Post,
  Query,
  StreamableFile,
  UseGuards,
  UseInterceptors,
} from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiSecurity, ApiTags } from '@nestjs/swagger';
import type { ApiCaller } from '../domain/api-key';
import type { PackageUpload } from '../domain/package-upload';
import { SentQueryDto } from '../dtos/list-query.dto';
import { ApiKeyGuard } from '../http/api-key.guard';
import { Caller } from '../http/caller.decorator';
import { PackageUploadInterceptor } from '../http/package-upload.interceptor';
import { Upload } from '../http/upload.decorator';
import {
  SentDocumentDetail,
  SentDocumentsService,
  SentDocumentSummary,
} from '../services/sent-documents.service';
import { SubmitResult, SubmitService } from '../services/submit.service';

@ApiTags('documents')
@ApiSecurity('api-key')
@UseGuards(ApiKeyGuard)
@Controller('api/v1/documents')
export class DocumentsController {
  constructor(
    private readonly submitter: SubmitService,
    private readonly sent: SentDocumentsService,
  ) {}

  /** Accepted at once: signed and stored, published to each recipient by the outbox. */
  @Post()
  @HttpCode(202)
  @UseInterceptors(PackageUploadInterceptor)
  @ApiConsumes('application/xml', 'multipart/form-data')
  @ApiBody({
    description:
      'A complete edXML package (application/xml), or multipart/form-data with "metadata" (the package JSON, as ' +
      '`lienthong edxml parse --json` writes it) and any number of "files" (attachments)',
    schema: {
      type: 'object',
      properties: {
        metadata: { type: 'string' },
        files: { type: 'array', items: { type: 'string', format: 'binary' } },
      },
    },
  })
  submit(@Caller() caller: ApiCaller, @Upload() upload: PackageUpload): Promise<SubmitResult> {
    return this.submitter.submit(caller, upload);
  }

  @Get('sent')
  list(@Caller() caller: ApiCaller, @Query() query: SentQueryDto): Promise<SentDocumentSummary[]> {
    return this.sent.list(caller, query.agency, query.limit);
  }

  /** With each recipient's timeline: submitted, published or failed, then the statuses it sent back. */
  @Get('sent/:id')
  get(@Caller() caller: ApiCaller, @Param('id') id: string): Promise<SentDocumentDetail> {
    return this.sent.get(caller, id);
  }

  /** The signed package exactly as it was sent. */
  @Get('sent/:id/package')
  async package(@Caller() caller: ApiCaller, @Param('id') id: string): Promise<StreamableFile> {
    return new StreamableFile(await this.sent.package(caller, id), { type: 'application/xml' });
  }
}
