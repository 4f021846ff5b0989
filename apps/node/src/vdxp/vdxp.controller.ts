import { All, Controller, Req, Res, Type } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { readBody } from '../http/package-upload.interceptor';
import { VdxpService } from './vdxp.service';

export const DEFAULT_VDXP_BASE_PATH = '/vdxp';
/** Node's default is 16 KiB; the SDK sends every parameter twice (SPEC §1). */
export const VDXP_MAX_HEADER_BYTES = 64 * 1024;

/**
 * The endpoint of the official VPCP SDK: `<base path>/<operation>`, POST (GET for downloadEdoc;
 * both are accepted everywhere). One handler, so that every answer, an unknown operation and the
 * `//op` of an endpoint configured with a trailing slash included, is the SDK's envelope and never
 * the node's problem JSON or an HTML page. The protocol is not OpenAPI-shaped: see docs/vdxp.md.
 */
@ApiExcludeController()
export class VdxpController {
  constructor(private readonly vdxp: VdxpService) {}

  @All('{*operation}')
  async handle(@Req() request: Request, @Res() response: Response): Promise<void> {
    const answer = await this.vdxp.handle({
      operation: operationOf(request.path, this.basePath()),
      headers: request.headers,
      readBody: (limit) => readBody(request, limit),
    });
    response.status(answer.status);
    response.setHeader('content-type', answer.contentType);
    response.setHeader('content-length', String(answer.body.length));
    response.end(answer.body);
  }

  /** Set by vdxpController(). */
  protected basePath(): string {
    return DEFAULT_VDXP_BASE_PATH;
  }
}

/** `/vdxp//sendEdoc` → `sendEdoc`. */
export function operationOf(path: string, basePath: string): string {
  const rest = path.startsWith(basePath) ? path.slice(basePath.length) : path;
  return rest.replace(/^\/+|\/+$/g, '');
}

/** The controller mounted at the configured base path (VDXP_BASE_PATH). */
export function vdxpController(basePath: string = DEFAULT_VDXP_BASE_PATH): Type<VdxpController> {
  const path = normalizeBasePath(basePath);
  class ConfiguredVdxpController extends VdxpController {
    protected override basePath(): string {
      return path;
    }
  }
  Controller(path.replace(/^\//, ''))(ConfiguredVdxpController);
  return ConfiguredVdxpController;
}

/** `/vdxp/` and `vdxp` → `/vdxp`. */
export function normalizeBasePath(basePath: string): string {
  const trimmed = basePath.replace(/^\/+|\/+$/g, '');
  return `/${trimmed}`;
}
