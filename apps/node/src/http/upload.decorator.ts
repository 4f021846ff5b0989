import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { PackageUpload } from '../domain/package-upload';
import type { RequestWithUpload } from './package-upload.interceptor';

/** The package PackageUploadInterceptor read. */
export const Upload = createParamDecorator((_: unknown, context: ExecutionContext): PackageUpload => {
  const upload = context.switchToHttp().getRequest<RequestWithUpload>().packageUpload;
  if (!upload) throw new Error('@Upload() used on a route without PackageUploadInterceptor');
  return upload;
});
