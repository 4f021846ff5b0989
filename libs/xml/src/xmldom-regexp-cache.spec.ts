import { parseXmlSecurely } from './parse-secure';
import { XmlInputError } from './xml-input.error';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const grammar = require('@xmldom/xmldom/lib/grammar') as {
  reg: ((...parts: (RegExp | string)[]) => RegExp) & { memoized?: true };
  QName_group: RegExp;
  S_OPT: RegExp;
};

describe("xmldom's expression cache", () => {
  it('is installed with libs/xml and hands back one compiled expression per list of pieces', () => {
    expect(grammar.reg.memoized).toBe(true);
    const a = grammar.reg('^', grammar.QName_group, grammar.S_OPT, '$');
    expect(grammar.reg('^', grammar.QName_group, grammar.S_OPT, '$')).toBe(a);
    expect(grammar.reg('^', grammar.QName_group)).not.toBe(a);
    expect(a.test('edXML:Subject ')).toBe(true);
    expect(a.test('edXML:Subject x')).toBe(false);
  });

  it('leaves end tag checking as it was', () => {
    const doc = parseXmlSecurely('<a:r xmlns:a="urn:a"><a:s>t</a:s ></a:r>');
    expect(doc.documentElement.firstChild?.textContent).toBe('t');
    expect(() => parseXmlSecurely('<r><s>t</s x></r>')).toThrow(XmlInputError);
    expect(() => parseXmlSecurely('<r><s>t</t></r>')).toThrow(XmlInputError);
  });
});
