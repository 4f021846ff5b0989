import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NGHE_AN, VPCP } from './demo-network';
import { displayPath, exampleMetadata, sendRecipe, shellQuote, writeExampleFiles } from './recipe';

describe('the printed curl recipe', () => {
  it('quotes for the shell only what needs it', () => {
    expect(shellQuote('http://127.0.0.1:3101/api/v1/documents')).toBe(
      'http://127.0.0.1:3101/api/v1/documents',
    );
    expect(shellQuote('x-api-key: lt_abc')).toBe(`'x-api-key: lt_abc'`);
    expect(shellQuote(`it's`)).toBe(`'it'\\''s'`);
    expect(shellQuote('metadata=@/tmp/dữ liệu/a.json')).toBe(`'metadata=@/tmp/dữ liệu/a.json'`);
  });

  it('shows paths relative to the working directory when inside it', () => {
    expect(displayPath('/repo/.lienthong-data/examples/a.json', '/repo')).toBe(
      '.lienthong-data/examples/a.json',
    );
    expect(displayPath('/tmp/data/a.json', '/repo')).toBe('/tmp/data/a.json');
  });

  it('submits JSON metadata and a file as multipart, with the sender’s key', () => {
    const line = sendRecipe(
      'http://127.0.0.1:3101',
      'lt_key-1',
      {
        metadata: '/repo/.lienthong-data/examples/cong-van.json',
        attachment: '/repo/.lienthong-data/examples/ke-hoach.txt',
      },
      '/repo',
    );
    expect(line).toBe(
      `curl -sS -X POST http://127.0.0.1:3101/api/v1/documents -H 'x-api-key: lt_key-1' ` +
        '-F metadata=@.lienthong-data/examples/cong-van.json -F files=@.lienthong-data/examples/ke-hoach.txt',
    );
  });

  it('writes the example once, from VPCP to Nghệ An, and never overwrites an edited one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lienthong-recipe-'));
    try {
      const files = writeExampleFiles(dir, VPCP, NGHE_AN, new Date(2026, 10, 27));
      const meta = JSON.parse(readFileSync(files.metadata, 'utf8'));
      expect(meta).toEqual(exampleMetadata(VPCP, NGHE_AN, new Date(2026, 10, 27), '125'));
      expect(meta.messageHeader.from.organId).toBe('000.00.00.G22');
      expect(meta.messageHeader.to).toEqual([{ organId: '000.00.00.H41', organName: 'UBND tỉnh Nghệ An' }]);
      expect(meta.messageHeader.promulgationInfo.promulgationDate).toBe('2026/11/27');
      writeFileSync(files.metadata, '{"edited":true}');
      writeExampleFiles(dir, VPCP, NGHE_AN);
      expect(readFileSync(files.metadata, 'utf8')).toBe('{"edited":true}');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
