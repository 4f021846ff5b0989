import { parseXmlSecurely } from './parse-secure';
import { XmlInputError } from './xml-input.error';

describe('parseXmlSecurely', () => {
  it('normalizes line ends as XML 1.0 does, and leaves U+0085 and U+2028 alone (signed text must not change)', () => {
    const doc = parseXmlSecurely('<a>one\r\ntwo\rthree\u2028four\u0085five</a>');
    expect(doc.documentElement.textContent).toBe('one\ntwo\nthree\u2028four\u0085five');
  });

  it('binds the edXML prefix that producers use undeclared, as the gate does', () => {
    const doc = parseXmlSecurely('<r xmlns="urn:x"><edXML:A>1</edXML:A></r>');
    expect(doc.documentElement.firstChild).toMatchObject({
      localName: 'A',
      namespaceURI: 'http://www.mic.gov.vn/TBT/QCVN_102_2016',
    });
  });

  it('refuses an undeclared prefix it does not tolerate, with a code', () => {
    expect(() => parseXmlSecurely('<r><x:A/></r>')).toThrow(XmlInputError);
  });
});
