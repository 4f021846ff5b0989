import { createHash } from 'crypto';
import { parseXmlSecurely } from '@lienthong/xml';
import { ExclusiveCanonicalization, SignedXml } from 'xml-crypto';
import { exclusiveC14n, exclusiveC14nDigest } from './c14n';

/** xml-crypto's own exclusive C14N, as its SignedXml runs it: the reference the streaming one must equal. */
function reference(element: Element): string {
  return new ExclusiveCanonicalization().process(element, {
    defaultNsForPrefix: SignedXml.defaultNsForPrefix,
    inclusiveNamespacesPrefixList: [],
    ancestorNamespaces: [],
  }) as string;
}

const EDXML = 'http://www.mic.gov.vn/TBT/QCVN_102_2016';
const SAMPLES = [
  `<edXML:edXMLEnvelope xmlns:edXML="${EDXML}"><edXML:edXMLHeader b="2" a="1"><edXML:MessageHeader>` +
    `<edXML:Subject>Kế hoạch &amp; "điện tử" &lt;x&gt; a&#xD;b</edXML:Subject><!-- a comment -->` +
    `<edXML:Empty/></edXML:MessageHeader></edXML:edXMLHeader><edXML:edXMLBody><?pi data?>` +
    `<edXML:Attachment><![CDATA[<not> & markup]]></edXML:Attachment></edXML:edXMLBody></edXML:edXMLEnvelope>`,
  `<root xmlns="urn:a" xmlns:x="urn:x" xmlns:unused="urn:u"><x:child x:attr="v" plain="p&quot;q">` +
    `text\twith\ttabs\n</x:child><other xmlns="urn:b"><inner/></other>\n  </root>`,
  `<a:r xmlns:a="urn:a"><b:s xmlns:b="urn:b"><a:t/></b:s>${'QUJD'.repeat(50_000)}</a:r>`,
];

describe('exclusiveC14n', () => {
  it.each(SAMPLES.map((xml, i) => [i, xml]))('writes what xml-crypto writes (sample %i)', (_, xml) => {
    const doc = parseXmlSecurely(xml as string);
    expect(exclusiveC14n(doc.documentElement)).toBe(reference(doc.documentElement));
    const inner = doc.documentElement.firstChild as Element;
    expect(exclusiveC14n(inner)).toBe(reference(inner));
  });

  it('leaves out the subtree it is told to, as the enveloped-signature transform does', () => {
    const doc = parseXmlSecurely(SAMPLES[0]);
    const comment = doc.getElementsByTagNameNS(EDXML, 'Empty')[0];
    const without = exclusiveC14n(doc.documentElement, comment);
    expect(without).not.toContain('Empty');
    comment.parentNode!.removeChild(comment);
    expect(without).toBe(reference(doc.documentElement));
  });

  it('digests the UTF-8 of the canonical form without building it', () => {
    for (const xml of SAMPLES) {
      const doc = parseXmlSecurely(xml);
      const text = exclusiveC14n(doc.documentElement);
      for (const algorithm of ['sha256', 'sha512']) {
        expect(exclusiveC14nDigest(doc.documentElement, null, algorithm)).toEqual(
          createHash(algorithm).update(text, 'utf8').digest(),
        );
      }
    }
  });
});
