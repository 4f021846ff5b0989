import {
  CallHandler,
  ExecutionContext,
  Inject,
  Injectable,
  NestInterceptor,
  UnsupportedMediaTypeException,
} from '@nestjs/common';
import { AppError } from '@lienthong/common';
import type { Request, Response } from 'express';
import multer from 'multer';
import type { Observable } from 'rxjs';
import { NODE_CONFIG, NodeConfig } from '../config/node-config';
import type { PackageUpload } from '../domain/package-upload';

export type RequestWithUpload = Request & { packageUpload?: PackageUpload };

const XML = /^(application|text)\/([\w.+-]+\+)?xml\b/i;
const MULTIPART = /^multipart\/form-data\b/i;
const MAX_FILES = 200;

/**
 * Reads the submitted package (runs after the guards, so nobody unauthenticated gets to upload 50 MiB):
 * an edXML body, or multipart with a `metadata` JSON field and `files`. Anything over
 * MAX_PACKAGE_BYTES is refused as soon as it is known to be too large.
 */
@Injectable()
export class PackageUploadInterceptor implements NestInterceptor {
  constructor(@Inject(NODE_CONFIG) private readonly config: NodeConfig) {}

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    const http = context.switchToHttp();
    const request = http.getRequest<RequestWithUpload>();
    request.packageUpload = await this.read(request, http.getResponse<Response>());
    return next.handle();
  }

  async read(request: Request, response: Response): Promise<PackageUpload> {
    const limit = this.config.maxPackageBytes;
    const declared = Number(request.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) {
      request.resume();
      throw tooLarge(limit);
    }
    const type = request.headers['content-type'] ?? '';
    if (XML.test(type)) return { type: 'xml', bytes: await readBody(request, limit) };
    if (MULTIPART.test(type)) return readMultipart(request, response, limit);
    request.resume();
    throw new UnsupportedMediaTypeException(
      'Send the package as application/xml, or as multipart/form-data with a metadata field and files',
    );
  }
}

export function tooLarge(limit: number): AppError {
  const mib = limit / (1024 * 1024);
  const size = Number.isInteger(mib) ? `${mib} MiB` : `${limit} bytes`;
  return new AppError(
    'too-large',
    'PACKAGE_TOO_LARGE',
    `The package is larger than the limit of ${size} (${limit} bytes)`,
    {
      limit,
    },
  );
}

export function readBody(request: Request, limit: number): Promise<Buffer> {
  // With a Content-Length (already checked against the limit) the body is copied into one buffer
  // of that size as it arrives, instead of being held twice while chunks are concatenated.
  const declared = Number(request.headers['content-length']);
  const expected = Number.isSafeInteger(declared) && declared > 0 ? declared : undefined;
  return new Promise((resolve, reject) => {
    let whole: Buffer | undefined;
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      const at = size;
      size += chunk.length;
      if (size > limit) {
        request.off('data', onData);
        request.resume(); // discard the rest, so the client can read the answer
        reject(tooLarge(limit));
        return;
      }
      if (expected !== undefined && chunks.length === 0 && size <= expected) {
        whole ??= Buffer.allocUnsafe(expected);
        chunk.copy(whole, at);
        return;
      }
      // More than announced: carry on with chunks.
      if (whole) {
        chunks.push(whole.subarray(0, at));
        whole = undefined;
      }
      chunks.push(chunk);
    };
    request.on('data', onData);
    request.once('end', () => {
      if (size > limit) return;
      resolve(whole ? whole.subarray(0, size) : Buffer.concat(chunks, size));
    });
    request.once('error', reject);
  });
}

function readMultipart(request: Request, response: Response, limit: number): Promise<PackageUpload> {
  const parse = multer({
    storage: multer.memoryStorage(),
    limits: { fileSize: limit, fieldSize: limit, files: MAX_FILES, fields: 20 },
    // Vietnamese file names: browsers and HTTP clients send UTF-8, not busboy's default latin1.
    defParamCharset: 'utf8',
  } as multer.Options).any();
  return new Promise((resolve, reject) => {
    parse(request, response, (error?: unknown) => {
      if (error) {
        const code = (error as { code?: unknown }).code;
        if (code === 'LIMIT_FILE_SIZE' || code === 'LIMIT_FIELD_VALUE') return reject(tooLarge(limit));
        return reject(
          AppError.invalid(
            'INVALID_MULTIPART',
            `The multipart body cannot be read: ${(error as Error).message}`,
          ),
        );
      }
      const body = (request.body ?? {}) as Record<string, unknown>;
      const parts = (request.files ?? []) as Express.Multer.File[];
      // `curl -F metadata=@document.json` sends the JSON as a file part; accept it like a field.
      const metadataFile = parts.find((f) => f.fieldname === 'metadata');
      const metadata =
        typeof body.metadata === 'string' ? body.metadata : metadataFile?.buffer.toString('utf8');
      if (typeof metadata !== 'string') {
        return reject(
          AppError.invalid(
            'MISSING_METADATA',
            'The multipart body needs a "metadata" field holding the package JSON',
          ),
        );
      }
      const files = parts.filter((f) => f.fieldname === 'files' || f.fieldname === 'files[]');
      const total = Buffer.byteLength(metadata) + files.reduce((sum, f) => sum + f.size, 0);
      if (total > limit) return reject(tooLarge(limit));
      resolve({
        type: 'multipart',
        metadata,
        files: files.map((f) => ({ name: f.originalname, contentType: f.mimetype, data: f.buffer })),
      });
    });
  });
}
