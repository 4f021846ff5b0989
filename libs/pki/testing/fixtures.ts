/**
 * Test material for libs/pki specs and the interop tests: small edXML packages in the shape of
 * the VPCP SDK samples, and a development PKI made once per test file.
 */
import { createRootCa, issueAgencyCertificate, RootCa } from '../src';

export const G22 = { organId: '000.00.00.G22', name: 'Văn phòng Chính phủ' } as const;
export const H41 = { organId: '000.00.00.H41', name: 'UBND tỉnh Nghệ An' } as const;

/** QCVN 102 timestamp (yyyy/MM/dd HH:mm:ss, UTC+7) of a date. */
export function vnTimestamp(date: Date): string {
  const v = new Date(date.getTime() + 7 * 3_600_000);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${v.getUTCFullYear()}/${p(v.getUTCMonth() + 1)}/${p(v.getUTCDate())} ${p(v.getUTCHours())}:${p(v.getUTCMinutes())}:${p(v.getUTCSeconds())}`;
}

export interface PackageOptions {
  from?: string;
  /** OrganId of the trace header; default the sender. `null` leaves TraceHeaderList out. */
  traceOrganId?: string | null;
  /** Default: one minute ago. */
  timestamp?: string;
  subject?: string;
  attachmentBase64?: string;
  /** Extra XML inserted as the last child of edXMLHeader (e.g. a legacy signature). */
  headerTail?: string;
  /** Use `edXML:` outside the envelope without declaring it, as the SDK samples do. */
  undeclaredPrefixes?: boolean;
}

/** A small edoc package in the shape of /work/shared/interop/vpcp-sdk/edoc*.edxml. */
export function edxmlPackage(options: PackageOptions = {}): string {
  const from = options.from ?? G22.organId;
  const traceOrganId = options.traceOrganId === undefined ? from : options.traceOrganId;
  const timestamp = options.timestamp ?? vnTimestamp(new Date(Date.now() - 60_000));
  const rootNs = options.undeclaredPrefixes
    ? 'xmlns="http://www.mic.gov.vn/TBT/QCVN_102_2016"'
    : 'xmlns="http://www.mic.gov.vn/TBT/QCVN_102_2016" xmlns:edXML="http://www.mic.gov.vn/TBT/QCVN_102_2016" xmlns:xlink="http://www.w3.org/1999/xlink"';
  const trace =
    traceOrganId === null
      ? ''
      : `
      <edXML:TraceHeaderList>
        <edXML:TraceHeader>
          <edXML:OrganId>${traceOrganId}</edXML:OrganId>
          <edXML:Timestamp>${timestamp}</edXML:Timestamp>
        </edXML:TraceHeader>
      </edXML:TraceHeaderList>`;
  return `<?xml version="1.0" encoding="UTF-8"?>
<edXML ${rootNs}>
  <edXML:edXMLEnvelope xmlns:edXML="http://www.mic.gov.vn/TBT/QCVN_102_2016">
    <!-- XML 102 -->
    <edXML:edXMLHeader>
      <edXML:MessageHeader>
        <edXML:From>
          <edXML:OrganId>${from}</edXML:OrganId>
          <edXML:OrganName>Văn phòng Chính phủ</edXML:OrganName>
          <edXML:OrganAdd>Số 1 Hoàng Hoa Thám, Quận Ba Đình, Hà Nội</edXML:OrganAdd>
        </edXML:From>
        <edXML:To>
          <edXML:OrganId>${H41.organId}</edXML:OrganId>
          <edXML:OrganName>${H41.name}</edXML:OrganName>
        </edXML:To>
        <edXML:Code><edXML:CodeNumber>7816</edXML:CodeNumber><edXML:CodeNotation>VPCP-TTĐT</edXML:CodeNotation></edXML:Code>
        <edXML:Subject>${options.subject ?? 'Kế hoạch kết nối liên thông văn bản &amp; "điện tử"'}</edXML:Subject>
        <edXML:DocumentId>${from},2026/11/27,7816/VPCP-TTĐT</edXML:DocumentId>
      </edXML:MessageHeader>${trace}${options.headerTail ?? ''}
    </edXML:edXMLHeader>
    <edXML:edXMLBody>
      <edXML:edXMLManifest version="1.0">
        <edXML:Reference xlink:href="">
          <edXML:ContentId>cid:1</edXML:ContentId>
          <edXML:AttachmentName>cong-van.pdf</edXML:AttachmentName>
        </edXML:Reference>
      </edXML:edXMLManifest>
    </edXML:edXMLBody>
  </edXML:edXMLEnvelope>
  <edXML:AttachmentEncoded>
    <edXML:Attachment>
      <edXML:ContentId>cid:1</edXML:ContentId>
      <edXML:ContentType>application/pdf</edXML:ContentType>
      <edXML:ContentTransferEncoded>${options.attachmentBase64 ?? 'JVBERi0xLjQKJcfsj6IKNSAwIG9iago8PC9MZW5ndGggNiAwIFI+PgpzdHJlYW0K'}</edXML:ContentTransferEncoded>
    </edXML:Attachment>
  </edXML:AttachmentEncoded>
</edXML>
`;
}

export interface TestPki {
  ca: RootCa;
  g22: { keyPem: string; certPem: string; serialNumber: string };
  h41: { keyPem: string; certPem: string; serialNumber: string };
}

/** A root CA valid since 2020 and two agency certificates valid since 2021. */
export function makeTestPki(): TestPki {
  const ca = createRootCa({
    commonName: 'lienthong Test Root CA',
    notBefore: new Date('2020-01-01T00:00:00Z'),
  });
  const since = new Date('2021-01-01T00:00:00Z');
  const issue = (agency: { organId: string; name: string }) =>
    issueAgencyCertificate({
      caKeyPem: ca.keyPem,
      caCertPem: ca.certPem,
      ...agency,
      notBefore: since,
      validityDays: 3650,
    });
  return { ca, g22: issue(G22), h41: issue(H41) };
}
