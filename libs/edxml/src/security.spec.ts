import fs from 'node:fs';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { captureError, minimalEdoc } from '../test/fixtures';
import { buildEdxml } from './build';
import { EdxmlError } from './errors';
import { parseEdxml } from './parse';

const NS = 'http://www.mic.gov.vn/TBT/QCVN_102_2016';

describe('parseEdxml on hostile XML', () => {
  let dir: string;
  let secretPath: string;
  const SECRET = 'TOP-SECRET-MARKER-4711';

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'edxml-xxe-'));
    secretPath = join(dir, 'secret.txt');
    writeFileSync(secretPath, SECRET);
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  afterEach(() => jest.restoreAllMocks());

  /** Watches every way the parser could open a file; none may be used. */
  function spyOnFileReads() {
    return [
      jest.spyOn(fs, 'readFileSync'),
      jest.spyOn(fs, 'openSync'),
      jest.spyOn(fs, 'readFile'),
      jest.spyOn(fs, 'createReadStream'),
    ];
  }

  it('refuses an external entity (XXE) without reading the file', () => {
    const spies = spyOnFileReads();
    const xml = `<?xml version="1.0"?>\n<!DOCTYPE edXML [<!ENTITY xxe SYSTEM "file://${secretPath}">]>\n<edXML xmlns="${NS}"><s>&xxe;</s></edXML>`;
    const error = captureError(() => parseEdxml(xml));
    expect(error.code).toBe('XML_DOCTYPE_FORBIDDEN');
    expect(error.position?.line).toBe(2);
    expect(error.message).not.toContain(SECRET);
    for (const spy of spies) expect(spy).not.toHaveBeenCalled();
  });

  it('refuses a billion-laughs entity expansion at the DOCTYPE', () => {
    const entities = Array.from(
      { length: 9 },
      (_, i) => `<!ENTITY l${i + 1} "${`&l${i};`.repeat(10)}">`,
    ).join('');
    const xml = `<?xml version="1.0"?><!DOCTYPE edXML [<!ENTITY l0 "lol">${entities}]><edXML xmlns="${NS}">&l9;</edXML>`;
    const started = Date.now();
    expect(captureError(() => parseEdxml(xml)).code).toBe('XML_DOCTYPE_FORBIDDEN');
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('refuses a plain DOCTYPE', () => {
    expect(captureError(() => parseEdxml(`<!DOCTYPE edXML><edXML xmlns="${NS}"/>`)).code).toBe(
      'XML_DOCTYPE_FORBIDDEN',
    );
  });

  it('refuses an entity reference with no DOCTYPE to define it', () => {
    const xml = buildEdxml(minimalEdoc()).replace('Quyết định</edXML:Subject>', '&xxe;</edXML:Subject>');
    expect(captureError(() => parseEdxml(xml)).code).toBe('XML_ENTITY_FORBIDDEN');
  });

  it('refuses nesting deeper than the depth limit', () => {
    const xml = buildEdxml(minimalEdoc());
    expect(captureError(() => parseEdxml(xml, { limits: { maxDepth: 4 } })).code).toBe('XML_TOO_DEEP');
    expect(parseEdxml(xml, { limits: { maxDepth: 6 } }).package).toEqual(minimalEdoc());
  });

  it('refuses input over the byte limit, as text and as bytes', () => {
    const xml = buildEdxml(minimalEdoc());
    const bytes = Buffer.byteLength(xml);
    expect(captureError(() => parseEdxml(xml, { limits: { maxBytes: bytes - 1 } })).code).toBe(
      'XML_TOO_LARGE',
    );
    expect(captureError(() => parseEdxml(Buffer.from(xml), { limits: { maxBytes: bytes - 1 } })).code).toBe(
      'XML_TOO_LARGE',
    );
    expect(parseEdxml(Buffer.from(xml), { limits: { maxBytes: bytes } }).package).toEqual(minimalEdoc());
  });

  it('refuses content before the XML declaration, saying where', () => {
    const error = captureError(() => parseEdxml(`1212${buildEdxml(minimalEdoc())}`));
    expect(error).toBeInstanceOf(EdxmlError);
    expect(error.code).toBe('XML_CONTENT_BEFORE_PROLOG');
    expect(error.position).toEqual({ line: 1, column: 1 });
    expect(error.message).toContain('"1212"');
  });

  it('refuses bytes that are not UTF-8', () => {
    const bytes = Buffer.concat([
      Buffer.from(`<edXML xmlns="${NS}">`),
      Buffer.from([0xff, 0xfe]),
      Buffer.from('</edXML>'),
    ]);
    expect(captureError(() => parseEdxml(bytes)).code).toBe('XML_NOT_UTF8');
  });

  it('refuses empty input', () => {
    expect(captureError(() => parseEdxml('  ')).code).toBe('XML_EMPTY');
  });
});
