import { DEMO_AGENCIES, DemoAgency, HUE, NGHE_AN, VPCP } from './demo-network';

/** One document of the demo stream: who sends it to whom, what it says, what it carries. */
export interface DemoDocument {
  from: DemoAgency;
  to: DemoAgency[];
  typeName: string;
  notation: string;
  subject: string;
  attachment: { name: string; contentType: string; text: string };
  /** The business statuses the recipients answer, in order (01 comes by itself). */
  statuses: ('03' | '05' | '06')[];
}

interface Template {
  from: DemoAgency;
  typeName: string;
  notation: string;
  subject: string;
  file: string;
}

// Subjects in the style of real dispatches between the Government Office and the provinces.
const TEMPLATES: Template[] = [
  {
    from: VPCP,
    typeName: 'Công văn',
    notation: 'VPCP-KSTT',
    subject: 'V/v triển khai kết nối liên thông văn bản điện tử',
    file: 'ke-hoach-trien-khai',
  },
  {
    from: NGHE_AN,
    typeName: 'Báo cáo',
    notation: 'BC-UBND',
    subject: 'Báo cáo kết quả thực hiện Đề án 06 trên địa bàn tỉnh Nghệ An',
    file: 'bao-cao-de-an-06',
  },
  {
    from: HUE,
    typeName: 'Báo cáo',
    notation: 'BC-UBND',
    subject: 'Báo cáo tình hình kinh tế – xã hội tháng 11 năm 2026',
    file: 'bao-cao-thang-11',
  },
  {
    from: VPCP,
    typeName: 'Thông báo',
    notation: 'TB-VPCP',
    subject: 'Kết luận của Phó Thủ tướng tại cuộc họp về chuyển đổi số quốc gia',
    file: 'thong-bao-ket-luan',
  },
  {
    from: NGHE_AN,
    typeName: 'Tờ trình',
    notation: 'TTr-UBND',
    subject: 'Về việc đề nghị hỗ trợ kinh phí khắc phục hậu quả mưa lũ',
    file: 'to-trinh-mua-lu',
  },
  {
    from: HUE,
    typeName: 'Công văn',
    notation: 'UBND-VX',
    subject: 'V/v chuẩn bị Festival Huế 2026 và đón khách quốc tế',
    file: 'ke-hoach-festival',
  },
  {
    from: VPCP,
    typeName: 'Công văn',
    notation: 'VPCP-TTĐT',
    subject: 'V/v báo cáo tình hình gửi, nhận văn bản điện tử quý IV',
    file: 'mau-bao-cao',
  },
  {
    from: NGHE_AN,
    typeName: 'Công văn',
    notation: 'UBND-KT',
    subject: 'V/v phối hợp bảo vệ rừng giáp ranh Nghệ An – Thừa Thiên Huế',
    file: 'phuong-an-phoi-hop',
  },
  {
    from: HUE,
    typeName: 'Quyết định',
    notation: 'QĐ-UBND',
    subject: 'Về việc công bố danh mục thủ tục hành chính mới ban hành',
    file: 'danh-muc-thu-tuc',
  },
  {
    from: VPCP,
    typeName: 'Giấy mời',
    notation: 'GM-VPCP',
    subject: 'Mời dự hội nghị trực tuyến về cải cách thủ tục hành chính',
    file: 'giay-moi',
  },
];

const STATUS_PLANS: DemoDocument['statuses'][] = [['03', '06'], ['03', '05', '06'], ['03'], ['03', '05']];

/** The `n`-th document of the stream (deterministic: the same n gives the same document). */
export function demoDocument(n: number): DemoDocument {
  const t = TEMPLATES[n % TEMPLATES.length];
  const others = DEMO_AGENCIES.filter((a) => a.code !== t.from.code);
  // Every fourth document goes to both other agencies, the rest to one of them in turn.
  const to = n % 4 === 3 ? others : [others[Math.floor(n / 2) % others.length]];
  const csv = n % 2 === 0;
  return {
    from: t.from,
    to,
    typeName: t.typeName,
    notation: t.notation,
    subject: t.subject,
    attachment: {
      name: `${t.file}.${csv ? 'csv' : 'txt'}`,
      contentType: csv ? 'text/csv' : 'text/plain',
      text: csv
        ? `STT,Nội dung,Đơn vị thực hiện,Thời hạn\n1,${t.subject},${t.from.name},31/12/2026\n`
        : `${t.typeName}: ${t.subject}\nNơi gửi: ${t.from.name}\nNơi nhận: ${to.map((a) => a.name).join('; ')}\n`,
    },
    statuses: STATUS_PLANS[n % STATUS_PLANS.length],
  };
}

/** The package JSON the node's `POST /documents` takes (multipart `metadata`). */
export function demoMetadata(doc: DemoDocument, codeNumber: string, date: Date): object {
  const p = (x: number) => String(x).padStart(2, '0');
  return {
    kind: 'edoc',
    messageHeader: {
      from: { organId: doc.from.code, organName: doc.from.name },
      to: doc.to.map((a) => ({ organId: a.code, organName: a.name })),
      code: { codeNumber, codeNotation: doc.notation },
      promulgationInfo: {
        place: doc.from === VPCP ? 'Hà Nội' : doc.from === NGHE_AN ? 'Vinh' : 'Huế',
        promulgationDate: `${date.getFullYear()}/${p(date.getMonth() + 1)}/${p(date.getDate())}`,
      },
      documentType: { type: '1', typeName: doc.typeName },
      subject: doc.subject,
      content: doc.subject,
      signerInfo:
        doc.from === VPCP
          ? { competence: 'KT. BỘ TRƯỞNG, CHỦ NHIỆM', position: 'Phó Chủ nhiệm', fullName: 'Nguyễn Văn A' }
          : { competence: 'TM. ỦY BAN NHÂN DÂN', position: 'Phó Chủ tịch', fullName: 'Trần Thị B' },
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

export const STATUS_NAMES: Record<string, string> = {
  '01': 'đã đến',
  '03': 'đã tiếp nhận',
  '05': 'đang xử lý',
  '06': 'đã hoàn thành',
};
