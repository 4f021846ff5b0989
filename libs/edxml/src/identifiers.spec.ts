import { isDocumentId, isIdentifierCode, makeDocumentId, parseDocumentId } from './identifiers';

describe('isIdentifierCode', () => {
  it.each(['000.00.00.G22', '002.00.20.H13', '000.00.15.H51'])('accepts %s in both modes', (code) => {
    expect(isIdentifierCode(code, 'strict')).toBe(true);
    expect(isIdentifierCode(code, 'lenient')).toBe(true);
  });

  it.each(['01.02.G22', '28.22.H17', '000.00.00.g22'])('accepts %s only when lenient', (code) => {
    expect(isIdentifierCode(code, 'strict')).toBe(false);
    expect(isIdentifierCode(code, 'lenient')).toBe(true);
  });

  it.each([
    'vxp.saas.03',
    'null',
    '',
    'G22',
    '000.00.00.G2',
    '000.00.00.22G',
    ' 000.00.00.G22',
    '0000.00.00.G22',
    '000.00.00.00.G22',
  ])('refuses %p in both modes', (code) => {
    expect(isIdentifierCode(code, 'strict')).toBe(false);
    expect(isIdentifierCode(code, 'lenient')).toBe(false);
  });

  it('is strict by default', () => {
    expect(isIdentifierCode('01.02.G22')).toBe(false);
  });
});

describe('DocumentId', () => {
  it('is made from OrganId, date and code', () => {
    expect(makeDocumentId('000.00.00.G22', '2015/09/30', '7816', 'VPCP-TTĐT')).toBe(
      '000.00.00.G22,2015/09/30,7816/VPCP-TTĐT',
    );
  });

  it('takes the date of a Date in Vietnam time', () => {
    expect(makeDocumentId('000.00.00.G22', new Date('2015-09-29T18:00:00Z'), '1', 'QĐ')).toBe(
      '000.00.00.G22,2015/09/30,1/QĐ',
    );
  });

  it('splits back into its parts, the notation keeping any further slash', () => {
    expect(parseDocumentId('000.00.04.G14,2012/08/06,267/VPCP-TTĐT')).toEqual({
      organId: '000.00.04.G14',
      promulgationDate: '2012/08/06',
      codeNumber: '267',
      codeNotation: 'VPCP-TTĐT',
    });
    expect(parseDocumentId('000.00.00.G22,2012/08/06,12/QĐ/UBND')?.codeNotation).toBe('QĐ/UBND');
  });

  it.each([
    '9fbfbad2-f1f8-4256-a2eb-50fb1061cddb',
    '000.00.00.G22,2015-09-30,7816/X',
    '000.00.00.G22,2015/09/30,7816',
    '',
  ])('does not split %p', (id) => expect(parseDocumentId(id)).toBeUndefined());

  it('needs a real date to be a valid DocumentId', () => {
    expect(isDocumentId('000.00.00.G22,2014/02/28,7806/VPCP-TTĐT')).toBe(true);
    expect(isDocumentId('000.00.00.G22,2014/02/30,7806/VPCP-TTĐT')).toBe(false);
  });
});
