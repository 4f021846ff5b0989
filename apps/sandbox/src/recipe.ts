import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, relative } from 'node:path';
import type { DemoAgency } from './demo-network';

/** The example the printed `curl` sends: package JSON (as `edxml parse --json` prints it) and a file. */
export interface ExampleFiles {
  metadata: string;
  attachment: string;
}

/** The package JSON of a dispatch ("công văn") from one agency to another. */
export function exampleMetadata(from: DemoAgency, to: DemoAgency, date: Date, codeNumber: string): object {
  return {
    kind: 'edoc',
    messageHeader: {
      from: { organId: from.code, organName: from.name },
      to: [{ organId: to.code, organName: to.name }],
      code: { codeNumber, codeNotation: 'VPCP-KSTT' },
      promulgationInfo: { place: 'Hà Nội', promulgationDate: formatDate(date) },
      documentType: { type: '1', typeName: 'Công văn' },
      subject: 'V/v triển khai kết nối liên thông văn bản điện tử',
      content: 'Đề nghị Ủy ban nhân dân tỉnh triển khai kết nối liên thông văn bản điện tử.',
      signerInfo: {
        competence: 'KT. BỘ TRƯỞNG, CHỦ NHIỆM',
        position: 'Phó Chủ nhiệm',
        fullName: 'Nguyễn Văn A',
      },
      otherInfo: {
        priority: 0,
        sphereOfPromulgation: 'Liên thông văn bản quốc gia',
        promulgationAmount: 1,
        pageAmount: 1,
      },
    },
    traceHeaderList: { traceHeader: [] },
    attachments: [],
  };
}

/**
 * Writes the example files under `<dataDir>/examples` once (a document number can be sent only
 * once by its sender, so the file is kept, and edited by whoever wants to send another).
 */
export function writeExampleFiles(
  dataDir: string,
  from: DemoAgency,
  to: DemoAgency,
  now = new Date(),
): ExampleFiles {
  const dir = join(dataDir, 'examples');
  mkdirSync(dir, { recursive: true });
  const files = { metadata: join(dir, 'cong-van.json'), attachment: join(dir, 'ke-hoach.txt') };
  if (!existsSync(files.metadata)) {
    writeFileSync(files.metadata, `${JSON.stringify(exampleMetadata(from, to, now, '125'), null, 2)}\n`);
  }
  if (!existsSync(files.attachment)) {
    writeFileSync(files.attachment, 'Kế hoạch triển khai kết nối liên thông văn bản điện tử.\n');
  }
  return files;
}

/** Single-quoted for sh, bash and zsh. */
export function shellQuote(value: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

/** A path as short as it can be typed from `cwd`: relative when inside it, else absolute. */
export function displayPath(path: string, cwd: string): string {
  const rel = relative(cwd, path);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path;
}

/** The one-line `curl` that submits the example as JSON + file (multipart), as the README shows. */
export function sendRecipe(nodeUrl: string, key: string, files: ExampleFiles, cwd: string): string {
  return [
    'curl -sS -X POST',
    shellQuote(`${nodeUrl}/api/v1/documents`),
    '-H',
    shellQuote(`x-api-key: ${key}`),
    '-F',
    shellQuote(`metadata=@${displayPath(files.metadata, cwd)}`),
    '-F',
    shellQuote(`files=@${displayPath(files.attachment, cwd)}`),
  ].join(' ');
}

export function getRecipe(url: string, key: string): string {
  return ['curl -sS', shellQuote(url), '-H', shellQuote(`x-api-key: ${key}`)].join(' ');
}

function formatDate(date: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}/${p(date.getMonth() + 1)}/${p(date.getDate())}`;
}
