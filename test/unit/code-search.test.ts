import { codePrefixUpperBound } from '../../src/modules/code/code.service';

describe('code prefix ranges', () => {
  it.each([
    ['E11', 'E12'],
    ['E19', 'E2'],
    ['Z99', null],
    ['S72Z', 'S73'],
    ['9921', '9922'],
    ['J', 'K'],
  ])('%s… lies below %s', (prefix, bound) => {
    expect(codePrefixUpperBound(prefix)).toBe(bound);
  });

  it('bounds exactly the codes with the prefix', () => {
    const codes = ['E1099', 'E11', 'E110', 'E1165', 'E119', 'E11Z', 'E12', 'E120'];
    const upper = codePrefixUpperBound('E11')!;
    expect(codes.filter((c) => c >= 'E11' && c < upper)).toEqual(['E11', 'E110', 'E1165', 'E119', 'E11Z']);
  });
});
