import {
  Body,
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
import {
  ApiAcceptedResponse,
  ApiBody,
  ApiConsumes,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiPayloadTooLargeResponse,
  ApiSecurity,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import type { ApiCaller } from '../domain/api-key';
import type { PackageUpload } from '../domain/package-upload';
import {
  ReplaceQueryDto,
  RevokeDocumentDto,
  UpdateDocumentDto,
  WithdrawDocumentDto,
} from '../dtos/business-documents.dto';
import { SentQueryDto } from '../dtos/list-query.dto';
import {
  ErrorResponse,
  SentDocumentDetailResponse,
  SentDocumentSummaryResponse,
  SubmitResultResponse,
  WithdrawResultResponse,
} from '../dtos/responses.dto';
import { ApiKeyGuard } from '../http/api-key.guard';
import { Caller } from '../http/caller.decorator';
import { PackageUploadInterceptor } from '../http/package-upload.interceptor';
import { Upload } from '../http/upload.decorator';
import { BusinessDocumentsService, WithdrawResult } from '../services/business-documents.service';
import {
  SentDocumentDetail,
  SentDocumentsService,
  SentDocumentSummary,
} from '../services/sent-documents.service';
import { SubmitResult, SubmitService } from '../services/submit.service';

const PACKAGE_BODY = {
  description:
    'A complete edXML package (application/xml), or multipart/form-data with "metadata" (the package JSON, as ' +
    '`lienthong edxml parse --json` writes it) and any number of "files" (attachments)',
  schema: {
    type: 'object' as const,
    properties: {
      metadata: { type: 'string' },
      files: { type: 'array', items: { type: 'string', format: 'binary' } },
    },
  },
};

@ApiTags('documents')
@ApiSecurity('api-key')
@UseGuards(ApiKeyGuard)
@ApiUnprocessableEntityResponse({ type: ErrorResponse, description: 'Invalid input; `code` says which rule' })
@Controller('api/v1/documents')
export class DocumentsController {
  constructor(
    private readonly submitter: SubmitService,
    private readonly sent: SentDocumentsService,
    private readonly business: BusinessDocumentsService,
  ) {}

  /** Accepted at once: signed and stored, published to each recipient by the outbox. */
  @Post()
  @HttpCode(202)
  @UseInterceptors(PackageUploadInterceptor)
  @ApiConsumes('application/xml', 'multipart/form-data')
  @ApiBody(PACKAGE_BODY)
  @ApiAcceptedResponse({ type: SubmitResultResponse })
  @ApiPayloadTooLargeResponse({ type: ErrorResponse, description: 'PACKAGE_TOO_LARGE' })
  submit(@Caller() caller: ApiCaller, @Upload() upload: PackageUpload): Promise<SubmitResult> {
    return this.submitter.submit(caller, upload);
  }

  @Get('sent')
  @ApiOkResponse({ type: [SentDocumentSummaryResponse] })
  list(@Caller() caller: ApiCaller, @Query() query: SentQueryDto): Promise<SentDocumentSummary[]> {
    return this.sent.list(caller, query.agency, query.limit);
  }

  /**
   * With each recipient's timeline: submitted, published or failed, the statuses it sent back, the
   * requests made to it since (revoke, update, replace, withdraw) and its 15/16 answers.
   */
  @Get('sent/:id')
  @ApiOkResponse({ type: SentDocumentDetailResponse })
  @ApiNotFoundResponse({ type: ErrorResponse })
  get(@Caller() caller: ApiCaller, @Param('id') id: string): Promise<SentDocumentDetail> {
    return this.sent.get(caller, id);
  }

  /** The signed package exactly as it was sent. */
  @Get('sent/:id/package')
  @ApiOkResponse({ description: 'The signed edXML package', content: { 'application/xml': {} } })
  @ApiNotFoundResponse({ type: ErrorResponse })
  async package(@Caller() caller: ApiCaller, @Param('id') id: string): Promise<StreamableFile> {
    return new StreamableFile(await this.sent.package(caller, id), { type: 'application/xml' });
  }

  /** Revokes the document (BussinessDocType 1) at its recipients, or some of them; they answer 15 or 16. */
  @Post('sent/:id/revoke')
  @HttpCode(202)
  @ApiAcceptedResponse({ type: SubmitResultResponse })
  @ApiNotFoundResponse({ type: ErrorResponse })
  revoke(
    @Caller() caller: ApiCaller,
    @Param('id') id: string,
    @Body() body: RevokeDocumentDto,
  ): Promise<SubmitResult> {
    return this.business.revoke(caller, id, body);
  }

  /** Sends an update (BussinessDocType 2): changed header fields and/or receivers; answered 15 or 16. */
  @Post('sent/:id/update')
  @HttpCode(202)
  @ApiAcceptedResponse({ type: SubmitResultResponse })
  @ApiNotFoundResponse({ type: ErrorResponse })
  update(
    @Caller() caller: ApiCaller,
    @Param('id') id: string,
    @Body() body: UpdateDocumentDto,
  ): Promise<SubmitResult> {
    return this.business.update(caller, id, body);
  }

  /** Sends a new document replacing this one (BussinessDocType 3), in the same forms as POST /documents. */
  @Post('sent/:id/replace')
  @HttpCode(202)
  @UseInterceptors(PackageUploadInterceptor)
  @ApiConsumes('application/xml', 'multipart/form-data')
  @ApiBody(PACKAGE_BODY)
  @ApiAcceptedResponse({ type: SubmitResultResponse })
  @ApiNotFoundResponse({ type: ErrorResponse })
  @ApiPayloadTooLargeResponse({ type: ErrorResponse, description: 'PACKAGE_TOO_LARGE' })
  replace(
    @Caller() caller: ApiCaller,
    @Param('id') id: string,
    @Upload() upload: PackageUpload,
    @Query() query: ReplaceQueryDto,
  ): Promise<SubmitResult> {
    return this.business.replace(caller, id, upload, query.reason);
  }

  /** Asks the recipients to give the document back: a signed status 13 to each; they answer 15 or 16. */
  @Post('sent/:id/withdraw')
  @HttpCode(202)
  @ApiAcceptedResponse({ type: WithdrawResultResponse })
  @ApiNotFoundResponse({ type: ErrorResponse })
  withdraw(
    @Caller() caller: ApiCaller,
    @Param('id') id: string,
    @Body() body: WithdrawDocumentDto,
  ): Promise<WithdrawResult> {
    return this.business.withdraw(caller, id, body);
  }
}
