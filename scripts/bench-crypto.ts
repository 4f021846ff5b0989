/**
 * Crypto hot-path benchmark: build+sign and parse+verify at about 4 KB, 1 MB and 10 MB.
 * Each case runs in its own child process so its peak memory (max RSS) is its own.
 *
 *   npm run bench:crypto                 all cases
 *   npm run bench:crypto -- --seconds 5  longer runs per case
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { resourceUsage } from 'node:process';
import { buildEdxml, EdocPackage, formatEdxmlTimestamp, parseEdxml } from '@lienthong/edxml';
import {
  createRootCa,
  issueAgencyCertificate,
  loadPrivateKey,
  signBuiltEdxml,
  verifyEdxmlSignature,
} from '@lienthong/pki';

type Operation = 'build+sign' | 'parse+verify';
const SIZES: Record<string, number> = { '4KB': 4 * 1024, '1MB': 1024 * 1024, '10MB': 10 * 1024 * 1024 };
const OPERATIONS: Operation[] = ['build+sign', 'parse+verify'];

interface CaseResult {
  operation: Operation;
  size: string;
  packageBytes: number;
  iterations: number;
  seconds: number;
  maxRssMb: number;
}

function main(): void {
  const args = process.argv.slice(2);
  const seconds = Number(valueOf(args, '--seconds') ?? 3);
  const onlyCase = valueOf(args, '--case');
  if (onlyCase) {
    const [operation, size] = onlyCase.split('@') as [Operation, string];
    process.stdout.write(JSON.stringify(runCase(operation, size, seconds)));
    return;
  }
  console.log(
    `lienthong crypto benchmark: node ${process.version}, one process per case, ${seconds}s per case\n`,
  );
  console.log(pad(['operation', 'size', 'package', 'packages/s', 'MB/s', 'peak RSS']));
  for (const size of Object.keys(SIZES)) {
    for (const operation of OPERATIONS) {
      const output = execFileSync(
        process.execPath,
        [...process.execArgv, __filename, '--case', `${operation}@${size}`, '--seconds', String(seconds)],
        {
          encoding: 'utf8',
          maxBuffer: 1 << 20,
        },
      );
      const r = JSON.parse(output) as CaseResult;
      const rate = r.iterations / r.seconds;
      console.log(
        pad([
          r.operation,
          r.size,
          `${(r.packageBytes / 1024).toFixed(0)} KiB`,
          rate.toFixed(rate < 10 ? 2 : 0),
          ((rate * r.packageBytes) / 1e6).toFixed(1),
          `${r.maxRssMb.toFixed(0)} MB`,
        ]),
      );
    }
  }
}

function runCase(operation: Operation, size: string, seconds: number): CaseResult {
  const ca = createRootCa({ commonName: 'Bench Root CA' });
  const agency = issueAgencyCertificate({
    caKeyPem: ca.keyPem,
    caCertPem: ca.certPem,
    organId: '000.00.00.G22',
    name: 'Văn phòng Chính phủ',
  });
  // As the node does on submit: add the signer's trace header to the package, build, sign.
  const privateKey = loadPrivateKey(agency.keyPem);
  const signPackage = (p: EdocPackage) =>
    signBuiltEdxml(
      buildEdxml({
        ...p,
        traceHeaderList: {
          ...p.traceHeaderList,
          traceHeader: [{ organId: '000.00.00.G22', timestamp: formatEdxmlTimestamp(new Date()) }],
        },
      }),
      { privateKey, certificatePem: agency.certPem },
    );
  // Size the attachment so that the signed package, header and certificate included, is the target.
  const overhead = Buffer.byteLength(signPackage(benchPackage(0))) + 400;
  const pkg = benchPackage(Math.max(0, Math.floor(((SIZES[size] - overhead) * 3) / 4)));
  const sign = () => signPackage(pkg);
  const signed = Buffer.from(sign());
  const trust = { trustAnchorPems: [ca.certPem] };
  const verify = () => {
    const report = verifyEdxmlSignature(signed, trust);
    if (!report.valid || !report.signedXml)
      throw new Error(`benchmark package did not verify: ${JSON.stringify(report.problems)}`);
    return parseEdxml(report.signedXml);
  };
  const work = operation === 'build+sign' ? sign : verify;
  work(); // warm-up: JIT and caches, as in a long-running node
  let iterations = 0;
  const start = process.hrtime.bigint();
  const deadline = start + BigInt(Math.round(seconds * 1e9));
  // At least three iterations so the 10 MB figures are not a single sample.
  while (process.hrtime.bigint() < deadline || iterations < 3) {
    work();
    iterations += 1;
  }
  const elapsed = Number(process.hrtime.bigint() - start) / 1e9;
  return {
    operation,
    size,
    packageBytes: signed.length,
    iterations,
    seconds: elapsed,
    maxRssMb: resourceUsage().maxRSS / 1024,
  };
}

function benchPackage(attachmentBytes: number): EdocPackage {
  return {
    kind: 'edoc',
    messageHeader: {
      from: {
        organId: '000.00.00.G22',
        organName: 'Văn phòng Chính phủ',
        organAdd: 'Số 1 Hoàng Hoa Thám, Ba Đình, Hà Nội',
      },
      to: [{ organId: '000.00.00.H41', organName: 'UBND tỉnh Nghệ An' }],
      code: { codeNumber: '7816', codeNotation: 'VPCP-TTĐT' },
      promulgationInfo: { place: 'Hà Nội', promulgationDate: '2026/11/27' },
      documentType: { type: '1', typeName: 'Công văn' },
      subject: 'V/v kết nối, liên thông phần mềm quản lý văn bản',
      content: 'Đề nghị các cơ quan triển khai kết nối liên thông văn bản điện tử.',
      signerInfo: { competence: 'KT. BỘ TRƯỞNG', position: 'Phó Chủ nhiệm', fullName: 'Nguyễn Văn A' },
      otherInfo: {
        priority: 0,
        sphereOfPromulgation: 'Liên thông văn bản quốc gia',
        promulgationAmount: 1,
        pageAmount: 2,
      },
      steeringType: 1,
      documentId: '000.00.00.G22,2026/11/27,7816/VPCP-TTĐT',
    },
    traceHeaderList: {
      traceHeader: [],
      bussiness: { bussinessDocType: 0, bussinessDocReason: 'Văn bản điện tử mới', paper: 0 },
    },
    attachments:
      attachmentBytes > 0
        ? [
            {
              contentId: 'bench-1',
              attachmentName: 'van-ban.pdf',
              contentType: 'application/pdf',
              data: randomBytes(attachmentBytes),
            },
          ]
        : [],
  };
}

function valueOf(args: string[], flag: string): string | undefined {
  const i = args.indexOf(flag);
  return i >= 0 ? args[i + 1] : undefined;
}

function pad(cells: string[]): string {
  const widths = [14, 6, 11, 12, 8, 9];
  return cells.map((c, i) => c.padEnd(widths[i])).join(' ');
}

main();
