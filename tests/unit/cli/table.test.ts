import { renderTable } from '../../../src/cli/table';

describe('Function: renderTable', () => {
  it('pads columns to the widest cell and rules the header', () => {
    // Act
    const table = renderTable(['rule', 'result'], [['iam-policy-attached', 'PASS'], ['kms', true]]);

    // Assess
    expect(table).toBe(
      ['rule                 result', '-------------------  ------', 'iam-policy-attached  PASS', 'kms                  true', ''].join('\n'),
    );
  });

  it('renders a header alone when there are no rows', () => {
    // Act
    const table = renderTable(['a', 'bb'], []);

    // Assess
    expect(table).toBe('a  bb\n-  --\n');
  });
});
