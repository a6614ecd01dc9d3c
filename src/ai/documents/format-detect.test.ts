import { describe, expect, it } from 'vitest';
import { detectFormat, formatFromHint } from './format-detect.js';

const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);

describe('detectFormat', () => {
  it('sniffs PDF magic and HTML prologues before any hint', () => {
    expect(detectFormat(bytes('%PDF-1.7\n...'), 'notes.md')).toBe('pdf');
    expect(detectFormat(bytes('\n %PDF-1.4'))).toBe('pdf');
    expect(detectFormat(bytes('\uFEFF<!-- c -->\n<!DOCTYPE html><p>x'), 'a.txt')).toBe('html');
    expect(detectFormat(bytes('<HTML><body>x')), 'upper case tag').toBe('html');
  });

  it('uses the hint (format name or path extension), then Markdown markers, else text', () => {
    expect(detectFormat(bytes('plain words'), '/Volumes/c/s/v/readme.MD')).toBe('markdown');
    expect(detectFormat(bytes('<p>fragment</p>'), 'htm')).toBe('html');
    expect(detectFormat(bytes('# Title\n\ntext'))).toBe('markdown');
    expect(detectFormat(bytes('intro\n```\ncode\n```'))).toBe('markdown');
    expect(detectFormat(bytes('#hashtag is not a heading'))).toBe('text');
    expect(detectFormat(bytes('# Title'), 'txt')).toBe('text');
    expect(detectFormat(bytes('mentions %PDF later'))).toBe('text');
    expect(detectFormat(new Uint8Array())).toBe('text');
  });

  it('formatFromHint knows names and extensions only', () => {
    expect(formatFromHint('Markdown')).toBe('markdown');
    expect(formatFromHint('report.pdf?x=1')).toBe('pdf');
    expect(formatFromHint('docx')).toBeUndefined();
    expect(formatFromHint('')).toBeUndefined();
    expect(formatFromHint(undefined)).toBeUndefined();
  });
});
