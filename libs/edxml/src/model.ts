/**
 * The QCVN 102:2016 edXML package as data. Names are the standard's element names in lowerCamelCase
 * with the standard's nesting, so `JSON.stringify` of a package reads like the XML it came from.
 * A wrapper element whose only child repeats (ToPlaces/Place, Appendixes/Appendix, ReceiverList,
 * ReplacementInfoList, OrganIdList) becomes a plain array.
 */

export const EDXML_NAMESPACE = 'http://www.mic.gov.vn/TBT/QCVN_102_2016';
export const EDXML_PREFIX = 'edXML';

export interface Organization {
  organId: string;
  organizationInCharge?: string;
  organName?: string;
  organAdd?: string;
  email?: string;
  telephone?: string;
  fax?: string;
  website?: string;
}

export interface DocumentCode {
  codeNumber: string;
  codeNotation: string;
}

export interface PromulgationInfo {
  place?: string;
  /** yyyy/MM/dd */
  promulgationDate: string;
}

export interface DocumentType {
  type: string;
  /** Sub-type of `type` (producers write 0 when there is none). */
  typeDetail?: number;
  typeName?: string;
}

export interface SignerInfo {
  competence?: string;
  position?: string;
  fullName?: string;
}

/** 0 normal, 1 urgent, 2 very urgent, 3 express, 4 timed express ("hẹn giờ"). */
export type Priority = 0 | 1 | 2 | 3 | 4;

export interface OtherInfo {
  priority?: Priority;
  sphereOfPromulgation?: string;
  typerNotation?: string;
  promulgationAmount?: number;
  pageAmount?: number;
  direction?: boolean;
  appendixes?: string[];
}

export interface ResponseFor {
  organId?: string;
  /** The answered document's code as one string, `{CodeNumber}/{CodeNotation}`. */
  code?: string;
  /** yyyy/MM/dd */
  promulgationDate?: string;
  documentId?: string;
}

export interface EdocMessageHeader {
  from: Organization;
  to: Organization[];
  code: DocumentCode;
  promulgationInfo: PromulgationInfo;
  documentType: DocumentType;
  subject: string;
  content?: string;
  signerInfo?: SignerInfo;
  /** yyyy/MM/dd */
  dueDate?: string;
  toPlaces?: string[];
  otherInfo?: OtherInfo;
  /** A document may answer several earlier ones; empty placeholders are dropped. */
  responseFor?: ResponseFor[];
  steeringType?: number;
  documentId?: string;
}

export interface TraceHeader {
  /** Usually an identifier code; producers in the wild also write connector ids or the text `null`. */
  organId: string;
  /** yyyy/MM/dd HH:mm:ss */
  timestamp: string;
}

export interface StaffInfo {
  department?: string;
  staff?: string;
  email?: string;
  mobile?: string;
}

/** 0 new, 1 revoke, 2 update, 3 replace. */
export type BussinessDocType = 0 | 1 | 2 | 3;

export interface Receiver {
  organId: string;
  receiverType?: number;
}

export interface BussinessDocumentInfo {
  documentInfo?: string;
  documentReceiver?: string;
  receiverList?: Receiver[];
}

export interface ReplacementInfo {
  documentId: string;
  organIdList: string[];
}

/** The standard spells it "Bussiness"; so do we, to stay one-to-one with the XML. */
export interface Bussiness {
  documentId?: string;
  bussinessDocType: BussinessDocType;
  bussinessDocReason?: string;
  paper?: number;
  staffInfo?: StaffInfo;
  /** With BussinessDocType 2 (update). */
  bussinessDocumentInfo?: BussinessDocumentInfo;
  /** With BussinessDocType 3 (replace). */
  replacementInfoList?: ReplacementInfo[];
}

export interface TraceHeaderList {
  traceHeader: TraceHeader[];
  bussiness?: Bussiness;
}

export interface Attachment {
  /** Without the `cid:` prefix, which producers write inconsistently. */
  contentId: string;
  attachmentName: string;
  /** The file's real MIME type (a zipped attachment is unwrapped and typed by its name). */
  contentType: string;
  description?: string;
  /** The file's bytes, after base64 decoding and, for a one-entry ZIP, unzipping. */
  data: Buffer;
}

export interface EdocPackage {
  kind: 'edoc';
  messageHeader: EdocMessageHeader;
  traceHeaderList: TraceHeaderList;
  attachments: Attachment[];
}

/** 01 arrived … 16 revoke/update refused, as QCVN 102 and the axis use them. */
export const STATUS_CODES = {
  '01': 'arrived',
  '02': 'rejected',
  '03': 'accepted',
  '04': 'assigned',
  '05': 'processing',
  '06': 'finished',
  '13': 'withdrawn',
  '15': 'revoke-update agreed',
  '16': 'revoke-update refused',
} as const;
export type StatusCode = keyof typeof STATUS_CODES;

export interface StatusMessageHeader {
  from: Organization;
  responseFor: ResponseFor;
  staffInfo?: StaffInfo;
  statusCode: StatusCode;
  description?: string;
  /** yyyy/MM/dd HH:mm:ss */
  timestamp: string;
}

export interface StatusPackage {
  kind: 'status';
  messageHeader: StatusMessageHeader;
  traceHeaderList?: TraceHeaderList;
}

export type EdxmlPackage = EdocPackage | StatusPackage;
