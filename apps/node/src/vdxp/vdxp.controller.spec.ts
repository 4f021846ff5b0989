import { PATH_METADATA } from '@nestjs/common/constants';
import { normalizeBasePath, operationOf, vdxpController } from './vdxp.controller';

describe('VDXP controller mounting', () => {
  it('mounts at the configured base path, one class per app', () => {
    const a = vdxpController('/vdxp');
    const b = vdxpController('sdk/vdxp/');
    expect(Reflect.getMetadata(PATH_METADATA, a)).toBe('vdxp');
    expect(Reflect.getMetadata(PATH_METADATA, b)).toBe('sdk/vdxp');
    expect(a).not.toBe(b);
  });

  it('reads the operation after the base path, also from the `//op` of an endpoint ending in /', () => {
    expect(operationOf('/vdxp/sendEdoc', '/vdxp')).toBe('sendEdoc');
    expect(operationOf('/vdxp//getEdoc', '/vdxp')).toBe('getEdoc');
    expect(operationOf('/sdk/vdxp/updateStatus/', '/sdk/vdxp')).toBe('updateStatus');
    expect(normalizeBasePath('vdxp/')).toBe('/vdxp');
  });
});
