import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { buildEdxml, EdocPackage, formatEdxmlDate, makeDocumentId } from '@lienthong/edxml';
import {
  createCrl,
  createRootCa,
  issueAgencyCertificate,
  readAgencyIdentity,
  signEdxmlPackage,
  verifyEdxmlSignature,
} from '@lienthong/pki';
import { CliError } from '../cli-error';
import { writeOutput } from '../files';
import { Output } from '../output';

const SENDER = { organId: '000.00.00.G22', organName: 'Văn phòng Chính phủ' };
const RECIPIENT = { organId: '000.00.00.H41', organName: 'UBND tỉnh Nghệ An' };

/**
 * The newcomer's first run until the exchange exists: a CA, two agencies, and one document
 * signed, verified, tampered with and revoked, with every file left on disk to inspect.
 */
export function demoCommand(out: Output): Command {
  return new Command('demo')
    .description('make a CA and two agencies, then build, sign, verify, tamper with and revoke a package')
    .option('--dir <dir>', 'where to leave the files (default: a new temporary directory)')
    .action((opts: { dir?: string }) => {
      const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'lienthong-demo-'));
      const step = (text: string) => out.result(`• ${text}`);

      const ca = createRootCa({ commonName: 'lienthong Demo Root CA' });
      writeOutput(join(dir, 'ca.cert.pem'), ca.certPem);
      step(`Created a root CA: ${join(dir, 'ca.cert.pem')}`);

      const sender = issueAgencyCertificate({
        caKeyPem: ca.keyPem,
        caCertPem: ca.certPem,
        organId: SENDER.organId,
        name: SENDER.organName,
      });
      writeOutput(join(dir, 'sender.cert.pem'), sender.certPem);
      step(`Issued ${SENDER.organId} (${SENDER.organName}) certificate ${sender.serialNumber}`);
      const recipient = issueAgencyCertificate({
        caKeyPem: ca.keyPem,
        caCertPem: ca.certPem,
        organId: RECIPIENT.organId,
        name: RECIPIENT.organName,
      });
      step(`Issued ${RECIPIENT.organId} (${RECIPIENT.organName}) certificate ${recipient.serialNumber}`);

      const pkg = demoPackage(new Date());
      const packagePath = join(dir, 'document.edxml');
      writeOutput(packagePath, buildEdxml(pkg));
      step(`Built document ${pkg.messageHeader.documentId}: ${packagePath}`);

      const signed = signEdxmlPackage(Buffer.from(buildEdxml(pkg)), {
        privateKeyPem: sender.keyPem,
        certificatePem: sender.certPem,
        stampTraceHeader: new Date(),
      });
      const signedPath = join(dir, 'document.signed.edxml');
      writeOutput(signedPath, signed);
      step(`Signed it as ${SENDER.organId}: ${signedPath}`);

      const trust = { trustAnchorPems: [ca.certPem] };
      expectVerdict(verifyEdxmlSignature(Buffer.from(signed), trust), 'valid');
      step('Verified: valid, signed by the sender with a trusted certificate');

      const tampered = signed.replace('Kế hoạch', 'Kê hoạch');
      writeOutput(join(dir, 'document.tampered.edxml'), tampered);
      expectVerdict(verifyEdxmlSignature(Buffer.from(tampered), trust), 'invalid');
      step('Changed one letter of the subject: verification fails');

      const crlPem = createCrl({
        caKeyPem: ca.keyPem,
        caCertPem: ca.certPem,
        crlNumber: 1,
        revoked: [
          {
            serialNumber: readAgencyIdentity(sender.certPem).serialNumber,
            revokedAt: new Date(Date.now() - 1000),
          },
        ],
      });
      writeOutput(join(dir, 'ca.crl.pem'), crlPem);
      expectVerdict(verifyEdxmlSignature(Buffer.from(signed), { ...trust, crlPems: [crlPem] }), 'invalid');
      step("Revoked the sender's certificate: the package no longer verifies against the new CRL");

      out.result(`\nAll files are in ${dir}. Check the signature yourself:`);
      out.result(`  npx lienthong verify ${signedPath} --trust ${join(dir, 'ca.cert.pem')}`);
      out.result(`  xmlsec1 --verify --trusted-pem ${join(dir, 'ca.cert.pem')} ${signedPath}`);
    });
}

function demoPackage(now: Date): EdocPackage {
  const promulgationDate = formatEdxmlDate(now);
  const code = { codeNumber: '123', codeNotation: 'VPCP-TTĐT' };
  return {
    kind: 'edoc',
    messageHeader: {
      from: SENDER,
      to: [RECIPIENT],
      code,
      promulgationInfo: { place: 'Hà Nội', promulgationDate },
      documentType: { type: '1', typeName: 'Công văn' },
      subject: 'Kế hoạch triển khai liên thông văn bản điện tử',
      content: 'Đề nghị Ủy ban nhân dân tỉnh triển khai kết nối liên thông văn bản.',
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
      steeringType: 0,
      documentId: makeDocumentId(SENDER.organId, promulgationDate, code.codeNumber, code.codeNotation),
    },
    traceHeaderList: {
      traceHeader: [],
      bussiness: { bussinessDocType: 0, bussinessDocReason: 'Văn bản điện tử mới', paper: 0 },
    },
    attachments: [
      {
        contentId: 'attachment-1',
        attachmentName: 'ke-hoach.txt',
        contentType: 'text/plain',
        description: 'Kế hoạch',
        data: Buffer.from('Kế hoạch triển khai liên thông văn bản điện tử.\n'),
      },
    ],
  };
}

function expectVerdict(report: { verdict: string; problems: { message: string }[] }, expected: string): void {
  if (report.verdict !== expected) {
    throw new CliError(
      `Demo expected the verdict "${expected}" but got "${report.verdict}": ${report.problems.map((p) => p.message).join('; ')}`,
    );
  }
}
