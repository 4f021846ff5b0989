import { Command } from 'commander';
import { verifyEdxmlSignature, SignatureVerification } from '@lienthong/pki';
import { EXIT } from '../cli-error';
import { readInput, readText } from '../files';
import { Output } from '../output';

export function verifyCommand(out: Output, setExitCode: (code: number) => void): Command {
  return new Command('verify')
    .description("check a signed package: the auditor's report (exit 0 valid, 1 invalid or unverifiable)")
    .argument('<file>', 'signed edXML package')
    .requiredOption('--trust <file>', 'trusted root CA certificate (PEM)')
    .option('--crl <file>', 'certificate revocation list (PEM)')
    .option('--json', 'print one JSON object with a boolean "valid" and the details')
    .action((file: string, opts: { trust: string; crl?: string; json?: boolean }) => {
      const report = verifyEdxmlSignature(readInput(file, 'the package'), {
        trustAnchorPems: [readText(opts.trust, 'the trust anchor')],
        crlPems: opts.crl ? [readText(opts.crl, 'the CRL')] : [],
      });
      // The signed content is for programs that go on to read it; the report leaves it out.
      const { signedXml, ...details } = report;
      out.result(opts.json ? JSON.stringify(details, null, 2) : formatReport(file, report));
      setExitCode(report.valid ? EXIT.ok : EXIT.invalid);
    });
}

export function formatReport(file: string, r: SignatureVerification): string {
  const lines = [`Package:            ${file}`];
  if (r.signer) {
    lines.push(`Signer:             ${r.signer.name ?? r.signer.subject}`);
    lines.push(`Identifier code:    ${r.signer.organId ?? '(none in certificate)'}`);
    lines.push(`Certificate serial: ${r.signer.serialNumber}`);
    lines.push(`Certificate valid:  ${iso(r.signer.notBefore)} to ${iso(r.signer.notAfter)}`);
  }
  if (r.packageFromOrganId) lines.push(`Package sender:     ${r.packageFromOrganId}`);
  if (r.signingTime)
    lines.push(
      `Signing time:       ${r.signingTime} (${SIGNING_TIME_SOURCES[r.signingTimeSource ?? 'verification-time']})`,
    );
  if (r.chain.length > 0) {
    lines.push('Certificate chain:');
    r.chain.forEach((c, i) => lines.push(`  ${i}. ${c.subject} (serial ${c.serialNumber})`));
  }
  lines.push(`Revocation:         ${describeRevocation(r.revocation)}`);
  if (r.signatureAlgorithm) lines.push(`Signature method:   ${r.signatureAlgorithm}`);
  for (const ref of r.references) {
    lines.push(
      `Reference "${ref.uri}":    ${ref.digestAlgorithm} ${ref.digestValue} (${ref.valid ? 'matches' : 'DOES NOT MATCH'})`,
    );
  }
  if (r.signatureValue) lines.push(`Signature value:    ${r.signatureValue.slice(0, 44)}…`);
  for (const p of r.problems) lines.push(`Problem:            ${p.message}`);
  const unchecked = r.verdict === 'valid' && !r.revocation?.checked;
  lines.push(
    `Verdict:            ${VERDICTS[r.verdict]}${unchecked ? ' (revocation NOT checked: give --crl)' : ''}`,
  );
  return lines.join('\n');
}

function describeRevocation(revocation: SignatureVerification['revocation']): string {
  if (!revocation || !revocation.checked) return 'not checked (no CRL given; use --crl)';
  const crl = revocation.crlNumber ? `CRL #${revocation.crlNumber}` : 'the CRL';
  if (revocation.status === 'revoked') {
    return `REVOKED on ${iso(revocation.revokedAt)}${revocation.reason ? ` (${revocation.reason})` : ''}, per ${crl}`;
  }
  return revocation.status === 'good'
    ? `not revoked, per ${crl}`
    : `unknown: ${crl} does not cover this certificate`;
}

function iso(date: Date | string | undefined): string {
  return date === undefined ? '?' : new Date(date).toISOString();
}

const SIGNING_TIME_SOURCES = {
  'trace-header': "the signer's trace header",
  'verification-time': 'no trace header of the signer: checked at verification time',
};

const VERDICTS: Record<SignatureVerification['verdict'], string> = {
  valid: 'VALID: signed by the agency named as sender, with a trusted certificate valid at signing time',
  invalid: 'INVALID: do not trust this package',
  legacy: 'UNVERIFIABLE: legacy signature, cannot be verified',
  unsigned: 'UNVERIFIABLE: the package is not signed',
};
