import { EdxmlPackage, SignaturePresence, STATUS_CODES } from '@lienthong/edxml';

const DOC_TYPES = ['new', 'revoke', 'update', 'replace'];

/** A short, readable account of a package for people; `--json` is for programs. */
export function describePackage(pkg: EdxmlPackage, signature: SignaturePresence): string {
  const header = pkg.messageHeader;
  const lines: string[] = [];
  const from = `${header.from.organId}${header.from.organName ? ` (${header.from.organName})` : ''}`;
  if (pkg.kind === 'status') {
    const h = pkg.messageHeader;
    lines.push('Status package');
    lines.push(`  From:          ${from}`);
    lines.push(`  Status:        ${h.statusCode} ${STATUS_CODES[h.statusCode]}`);
    lines.push(`  For document:  ${h.responseFor.documentId ?? '(none)'}`);
    if (h.description) lines.push(`  Description:   ${h.description}`);
    lines.push(`  Timestamp:     ${h.timestamp}`);
  } else {
    const h = pkg.messageHeader;
    const business = pkg.traceHeaderList.bussiness;
    lines.push('Document package');
    lines.push(`  From:          ${from}`);
    for (const to of h.to)
      lines.push(`  To:            ${to.organId}${to.organName ? ` (${to.organName})` : ''}`);
    lines.push(`  Code:          ${h.code.codeNumber}/${h.code.codeNotation}`);
    lines.push(
      `  Promulgated:   ${h.promulgationInfo.promulgationDate}${h.promulgationInfo.place ? `, ${h.promulgationInfo.place}` : ''}`,
    );
    if (h.documentId) lines.push(`  Document id:   ${h.documentId}`);
    lines.push(`  Subject:       ${h.subject}`);
    if (business)
      lines.push(`  Business type: ${business.bussinessDocType} (${DOC_TYPES[business.bussinessDocType]})`);
    for (const a of pkg.attachments) {
      lines.push(`  Attachment:    ${a.attachmentName} (${a.contentType}, ${a.data.length} bytes)`);
    }
  }
  lines.push(`  Signature:     ${describeSignature(signature)}`);
  return lines.join('\n');
}

function describeSignature(signature: SignaturePresence): string {
  switch (signature.kind) {
    case 'none':
      return 'none';
    case 'xmldsig':
      return 'XMLDSig (check it with "lienthong verify")';
    case 'legacy':
      return `legacy, cannot be verified (${signature.reason})`;
  }
}
