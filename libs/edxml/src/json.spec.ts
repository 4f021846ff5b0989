import { captureError, edocOfType, fullEdoc, minimalEdoc, statusOf } from '../test/fixtures';
import { buildEdxml } from './build';
import { EdocPackageJson, packageFromJson, packageToJson } from './json';
import { EdocPackage, StatusPackage } from './model';
import { parseEdxml } from './parse';

/** What the CLI does: print with JSON.stringify, read back with JSON.parse. */
const throughText = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

describe('packageToJson', () => {
  it('writes attachment bytes as base64 and leaves the rest as the model', () => {
    const json = packageToJson(fullEdoc());
    if (json.kind !== 'edoc') throw new Error('expected a document');
    expect(json.attachments[0].data).toBe(fullEdoc().attachments[0].data.toString('base64'));
    expect(json.messageHeader).toEqual(fullEdoc().messageHeader);
    expect(Object.keys(json)).toEqual(['kind', 'messageHeader', 'traceHeaderList', 'attachments']);
  });

  it.each([
    ['a full document', fullEdoc()],
    ['a minimal document', minimalEdoc()],
    ['a status', statusOf('15')],
    [
      'a document with members set to undefined',
      { ...minimalEdoc(), messageHeader: { ...minimalEdoc().messageHeader, content: undefined, dueDate: undefined } },
    ],
  ])('gives for %s exactly what JSON text would, no undefined member and nothing shared', (_label, pkg) => {
    const json = packageToJson(pkg);
    expect(json).toStrictEqual(throughText(json));
    if (json.kind === 'edoc' && pkg.kind === 'edoc') {
      expect(json.messageHeader).not.toBe(pkg.messageHeader);
      expect(json.messageHeader.to).not.toBe(pkg.messageHeader.to);
    }
  });

  it('does not change the package it was given', () => {
    const pkg = fullEdoc();
    packageToJson(pkg);
    expect(pkg).toEqual(fullEdoc());
  });
});

describe('packageFromJson', () => {
  it.each([
    ['a full document', fullEdoc()],
    ['a minimal document', minimalEdoc()],
    ['a replacement', edocOfType(3)],
    ['an update', edocOfType(2)],
    ['a status', statusOf('15')],
  ])('reads back %s exactly', (_label, pkg) => {
    expect(packageFromJson(throughText(packageToJson(pkg)))).toEqual(pkg);
  });

  it('reads what parse --json prints and builds the same package again', () => {
    const parsed = parseEdxml(buildEdxml(fullEdoc())).package;
    const again = packageFromJson(throughText(packageToJson(parsed)));
    expect(buildEdxml(again)).toBe(buildEdxml(fullEdoc()));
  });

  it('fills in an omitted trace list and attachment list', () => {
    const json = throughText(packageToJson(minimalEdoc())) as Record<string, unknown>;
    delete json.traceHeaderList;
    delete json.attachments;
    const pkg = packageFromJson(json) as EdocPackage;
    expect(pkg.traceHeaderList).toEqual({ traceHeader: [] });
    expect(pkg.attachments).toEqual([]);
  });

  it.each([
    ['not an object', 'hello', '$', /expected an object, got string/],
    ['an unknown kind', { kind: 'memo' }, '$.kind', /one of "edoc", "status"/],
    [
      'a number where text belongs',
      { ...jsonOf(), messageHeader: { ...jsonOf().messageHeader, subject: 42 } },
      '$.messageHeader.subject',
      /expected a string, got number/,
    ],
    [
      'a missing required member',
      { ...jsonOf(), messageHeader: { ...jsonOf().messageHeader, from: undefined } },
      '$.messageHeader.from',
      /expected an object, got undefined/,
    ],
    [
      'a misspelt member',
      { ...jsonOf(), messageHeader: { ...jsonOf().messageHeader, subjet: 'x' } },
      '$.messageHeader.subjet',
      /unknown member "subjet"/,
    ],
    [
      'a priority out of range',
      withOther({ priority: 5 }),
      '$.messageHeader.otherInfo.priority',
      /one of 0, 1, 2, 3, 4/,
    ],
    [
      'a fractional page count',
      withOther({ pageAmount: 1.5 }),
      '$.messageHeader.otherInfo.pageAmount',
      /whole number/,
    ],
    [
      'To that is not a list',
      { ...jsonOf(), messageHeader: { ...jsonOf().messageHeader, to: { organId: 'x' } } },
      '$.messageHeader.to',
      /expected an array, got object/,
    ],
    [
      'attachment data that is not base64',
      withAttachmentData('not base64!'),
      '$.attachments[0].data',
      /must be base64/,
    ],
    [
      'an unknown status code',
      { ...statusJson(), messageHeader: { ...statusJson().messageHeader, statusCode: '07' } },
      '$.messageHeader.statusCode',
      /one of "01"/,
    ],
    [
      'a BussinessDocType out of range',
      withBussinessType(4),
      '$.traceHeaderList.bussiness.bussinessDocType',
      /one of 0, 1, 2, 3/,
    ],
  ])('refuses %s, naming where', (_label, json, path, message) => {
    const error = captureError(() => packageFromJson(json));
    expect(error.code).toBe('EDXML_INVALID_JSON');
    expect(error.path).toBe(path);
    expect(error.message).toMatch(message);
  });
});

function jsonOf(): EdocPackageJson {
  return throughText(packageToJson(fullEdoc())) as EdocPackageJson;
}

function statusJson(): StatusPackage {
  return throughText(packageToJson(statusOf('01'))) as StatusPackage;
}

function withOther(otherInfo: object) {
  const json = jsonOf();
  json.messageHeader.otherInfo = { ...json.messageHeader.otherInfo, ...otherInfo };
  return json;
}

function withAttachmentData(data: string) {
  const json = jsonOf();
  json.attachments[0].data = data;
  return json;
}

function withBussinessType(type: number) {
  const json = jsonOf();
  json.traceHeaderList.bussiness!.bussinessDocType = type as never;
  return json;
}
