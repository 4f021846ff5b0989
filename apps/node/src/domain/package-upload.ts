export interface UploadedFile {
  name: string;
  contentType: string;
  data: Buffer;
}

/** A submitted package: a complete edXML document, or its JSON form plus the attached files. */
export type PackageUpload =
  { type: 'xml'; bytes: Buffer } | { type: 'multipart'; metadata: string; files: UploadedFile[] };
