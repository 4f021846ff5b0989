import { decodeAttachmentText } from './attachments';
import { EdxmlError } from './errors';
import {
  Attachment,
  Bussiness,
  BussinessDocType,
  BussinessDocumentInfo,
  DocumentCode,
  DocumentType,
  EdocMessageHeader,
  EdocPackage,
  EdxmlPackage,
  Organization,
  OtherInfo,
  Priority,
  PromulgationInfo,
  Receiver,
  ReplacementInfo,
  ResponseFor,
  SignerInfo,
  StaffInfo,
  STATUS_CODES,
  StatusCode,
  StatusMessageHeader,
  StatusPackage,
  TraceHeader,
  TraceHeaderList,
} from './model';

/** The package as JSON: the model itself, with each attachment's bytes as base64 text. */
export type AttachmentJson = Omit<Attachment, 'data'> & { data: string };
export type EdocPackageJson = Omit<EdocPackage, 'attachments'> & { attachments: AttachmentJson[] };
export type EdxmlPackageJson = EdocPackageJson | StatusPackage;

export function packageToJson(pkg: EdxmlPackage): EdxmlPackageJson {
  if (pkg.kind === 'status') return plainCopy(pkg) as StatusPackage;
  const { attachments, ...rest } = pkg;
  return {
    ...(plainCopy(rest) as Omit<EdocPackage, 'attachments'>),
    attachments: attachments.map(({ data, ...meta }) => ({
      ...(plainCopy(meta) as Omit<Attachment, 'data'>),
      data: Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('base64'),
    })),
  };
}

/**
 * A deep copy of the model's plain data (strings, numbers, booleans, arrays, objects) without its
 * undefined members, i.e. what a JSON round trip gives, at half its cost or less: every package a
 * node stores goes through here.
 */
function plainCopy(value: unknown): unknown {
  if (Array.isArray(value)) return value.map((item) => (item === undefined ? null : plainCopy(item)));
  if (value === null || typeof value !== 'object') return value;
  const copy: Record<string, unknown> = {};
  for (const [key, member] of Object.entries(value)) {
    if (member !== undefined) copy[key] = plainCopy(member);
  }
  return copy;
}

/**
 * Reads the JSON `packageToJson` writes (and people edit by hand for `edxml build --meta`). Checks
 * the shape, the types and the code lists, and refuses unknown members, which are almost always
 * typos that would otherwise vanish silently. The content rules are `validateEdxml`'s job.
 */
export function packageFromJson(json: unknown): EdxmlPackage {
  const kind = member(json, '$', 'kind', oneOf(['edoc', 'status'] as const));
  return kind === 'edoc' ? edocPackage(json, '$') : statusPackage(json, '$');
}

type Check<T> = (value: unknown, path: string) => T;

function fail(path: string, expected: string, value: unknown): never {
  const got =
    value === null
      ? 'null'
      : Array.isArray(value)
        ? 'an array'
        : ['string', 'number', 'boolean'].includes(typeof value)
          ? `${typeof value} ${JSON.stringify(value).slice(0, 40)}`
          : typeof value;
  throw new EdxmlError(
    'EDXML_INVALID_JSON',
    `Invalid package JSON at ${path}: expected ${expected}, got ${got}`,
    {
      path,
    },
  );
}

const string: Check<string> = (value, path) =>
  typeof value === 'string' ? value : fail(path, 'a string', value);

const integer: Check<number> = (value, path) =>
  typeof value === 'number' && Number.isSafeInteger(value) ? value : fail(path, 'a whole number', value);

const boolean: Check<boolean> = (value, path) =>
  typeof value === 'boolean' ? value : fail(path, 'true or false', value);

function oneOf<T extends string | number>(values: readonly T[]): Check<T> {
  return (value, path) =>
    values.includes(value as T)
      ? (value as T)
      : fail(path, `one of ${values.map((v) => JSON.stringify(v)).join(', ')}`, value);
}

function array<T>(item: Check<T>): Check<T[]> {
  return (value, path) =>
    Array.isArray(value) ? value.map((v, i) => item(v, `${path}[${i}]`)) : fail(path, 'an array', value);
}

function optional<T>(check: Check<T>): Check<T | undefined> {
  return (value, path) => (value === undefined ? undefined : check(value, path));
}

function withDefault<T>(check: Check<T>, fallback: () => T): Check<T> {
  return (value, path) => (value === undefined ? fallback() : check(value, path));
}

/** Every member of T must be listed, so the checker cannot fall behind the model. */
function object<T>(fields: { [K in keyof T]-?: Check<T[K]> }): Check<T> {
  return (value, path) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(path, 'an object', value);
    const record = value as Record<string, unknown>;
    const unknown = Object.keys(record).filter((key) => !Object.hasOwn(fields, key));
    if (unknown.length > 0) {
      throw new EdxmlError(
        'EDXML_INVALID_JSON',
        `Invalid package JSON at ${path}: unknown member ${unknown.map((k) => `"${k}"`).join(', ')} ` +
          `(allowed: ${Object.keys(fields).join(', ')})`,
        { path: `${path}.${unknown[0]}` },
      );
    }
    const out: Partial<T> = {};
    for (const key of Object.keys(fields) as (keyof T & string)[]) {
      const result = fields[key](record[key], `${path}.${key}`);
      if (result !== undefined) out[key] = result;
    }
    return out as T;
  };
}

function member<T>(value: unknown, path: string, key: string, check: Check<T>): T {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(path, 'an object', value);
  return check((value as Record<string, unknown>)[key], `${path}.${key}`);
}

const base64Data: Check<Buffer> = (value, path) => {
  const decoded = decodeAttachmentText(string(value, path));
  if (decoded.kind !== 'base64') {
    throw new EdxmlError(
      'EDXML_INVALID_JSON',
      `Invalid package JSON at ${path}: attachment data must be base64`,
      { path },
    );
  }
  return decoded.data;
};

const organization = object<Organization>({
  organId: string,
  organizationInCharge: optional(string),
  organName: optional(string),
  organAdd: optional(string),
  email: optional(string),
  telephone: optional(string),
  fax: optional(string),
  website: optional(string),
});

const responseFor = object<ResponseFor>({
  organId: optional(string),
  code: optional(string),
  promulgationDate: optional(string),
  documentId: optional(string),
});

const staffInfo = object<StaffInfo>({
  department: optional(string),
  staff: optional(string),
  email: optional(string),
  mobile: optional(string),
});

const edocMessageHeader = object<EdocMessageHeader>({
  from: organization,
  to: array(organization),
  code: object<DocumentCode>({ codeNumber: string, codeNotation: string }),
  promulgationInfo: object<PromulgationInfo>({ place: optional(string), promulgationDate: string }),
  documentType: object<DocumentType>({
    type: string,
    typeDetail: optional(integer),
    typeName: optional(string),
  }),
  subject: string,
  content: optional(string),
  signerInfo: optional(
    object<SignerInfo>({
      competence: optional(string),
      position: optional(string),
      fullName: optional(string),
    }),
  ),
  dueDate: optional(string),
  toPlaces: optional(array(string)),
  otherInfo: optional(
    object<OtherInfo>({
      priority: optional(oneOf<Priority>([0, 1, 2, 3, 4])),
      sphereOfPromulgation: optional(string),
      typerNotation: optional(string),
      promulgationAmount: optional(integer),
      pageAmount: optional(integer),
      direction: optional(boolean),
      appendixes: optional(array(string)),
    }),
  ),
  responseFor: optional(array(responseFor)),
  steeringType: optional(integer),
  documentId: optional(string),
});

const bussiness = object<Bussiness>({
  documentId: optional(string),
  bussinessDocType: oneOf<BussinessDocType>([0, 1, 2, 3]),
  bussinessDocReason: optional(string),
  paper: optional(integer),
  staffInfo: optional(staffInfo),
  bussinessDocumentInfo: optional(
    object<BussinessDocumentInfo>({
      documentInfo: optional(string),
      documentReceiver: optional(string),
      receiverList: optional(array(object<Receiver>({ organId: string, receiverType: optional(integer) }))),
    }),
  ),
  replacementInfoList: optional(
    array(object<ReplacementInfo>({ documentId: string, organIdList: array(string) })),
  ),
});

const traceHeaderList = object<TraceHeaderList>({
  traceHeader: array(object<TraceHeader>({ organId: string, timestamp: string })),
  bussiness: optional(bussiness),
});

const attachment = object<Attachment>({
  contentId: string,
  attachmentName: string,
  contentType: string,
  description: optional(string),
  data: base64Data,
});

const edocPackage = object<EdocPackage>({
  kind: oneOf(['edoc'] as const),
  messageHeader: edocMessageHeader,
  // Omitted lists are empty: a hand-written --meta need not spell them out.
  traceHeaderList: withDefault(traceHeaderList, () => ({ traceHeader: [] })),
  attachments: withDefault(array(attachment), () => []),
});

const statusPackage = object<StatusPackage>({
  kind: oneOf(['status'] as const),
  messageHeader: object<StatusMessageHeader>({
    from: organization,
    responseFor,
    staffInfo: optional(staffInfo),
    statusCode: oneOf((Object.keys(STATUS_CODES) as StatusCode[]).sort()),
    description: optional(string),
    timestamp: string,
  }),
  traceHeaderList: optional(traceHeaderList),
});
