import { describe, expect, it } from 'vitest';
import { isSlowStatement, ProgressLine, progressText } from './progress.js';

describe('the progress line', () => {
  it('shows spinner, label, elapsed time and DuckDB percentage within the width', () => {
    expect(progressText('OPTIMIZE t', 1234, 42, 0, 80)).toBe('⠋ OPTIMIZE t  1.2 s ████████░░░░░░░░░░░░  42%');
    expect(progressText('SELECT 1', 500, undefined, 1, 80)).toBe('⠙ SELECT 1  0.5 s');
    const narrow = progressText('SELECT a_very_long_column_list FROM somewhere', 100, 5, 0, 40);
    expect([...narrow].length).toBeLessThanOrEqual(39);
    expect(narrow).toContain('…');
  });

  it('draws after the delay, erases itself, and does nothing when disabled', async () => {
    let written = '';
    const line = new ProgressLine({ write: (t) => (written += t), enabled: true, columns: () => 80, percentage: () => 50, tickMs: 10 });
    line.start('work', 20);
    expect(written).toBe('');
    await new Promise((r) => setTimeout(r, 60));
    line.stop();
    expect(written).toContain('work');
    expect(written).toContain(' 50%');
    expect(written.endsWith('\r\x1b[2K')).toBe(true);
    let quiet = '';
    const off = new ProgressLine({ write: (t) => (quiet += t), enabled: false, columns: () => 80, percentage: () => 50 });
    off.start('work', 0);
    off.stop();
    expect(quiet).toBe('');
  });

  it('knows the statements that show progress at once', () => {
    expect(isSlowStatement('  -- tidy\n OPTIMIZE t ZORDER BY (a)')).toBe(true);
    expect(isSlowStatement('vacuum t')).toBe(true);
    expect(isSlowStatement('COPY INTO t FROM x')).toBe(true);
    expect(isSlowStatement('SELECT 1')).toBe(false);
  });
});
