import { describe, expect, it } from 'vitest';
import { javaReplacement, sparkRegexLiteral } from './spark-regex.js';

describe('sparkRegexLiteral', () => {
  it('reads a doubled backslash before a regex escape as one backslash, as Spark literals do', () => {
    expect(sparkRegexLiteral('(\\\\d+)-(\\\\d+)')).toBe('(\\d+)-(\\d+)');
    expect(sparkRegexLiteral('a\\\\.b\\\\s\\\\(')).toBe('a\\.b\\s\\(');
  });

  it('keeps what DuckDB users write: single backslashes and escaped backslashes', () => {
    expect(sparkRegexLiteral('\\d+\\.')).toBe('\\d+\\.');
    expect(sparkRegexLiteral('\\\\')).toBe('\\\\');
    expect(sparkRegexLiteral('C:\\\\\\\\Users')).toBe('C:\\\\\\\\Users');
    expect(sparkRegexLiteral('a\\\\q')).toBe('a\\\\q');
  });
});

describe('javaReplacement', () => {
  it('turns $n group references into RE2 \\n', () => {
    expect(javaReplacement('$2-$1')).toBe('\\2-\\1');
    expect(javaReplacement('<$0>')).toBe('<\\0>');
  });

  it('keeps RE2 references and reads other Java escapes as the character', () => {
    expect(javaReplacement('\\1')).toBe('\\1');
    expect(javaReplacement('\\$5')).toBe('$5');
    expect(javaReplacement('a\\\\b')).toBe('a\\\\b');
    expect(javaReplacement('cost: $')).toBe('cost: $');
  });
});
