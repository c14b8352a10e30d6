import { describe, expect, it } from 'vitest';
import { escapeXml, lineChart, linePath, niceTicks, timeTicks } from '../../../lambda/analysis/svg.ts';

describe('svg helpers', () => {
  it('niceTicks: round steps from at or below the minimum to at or above the maximum', () => {
    expect(niceTicks(0, 900, 4)).toEqual([0, 500, 1000]);
    expect(niceTicks(86, 100)).toEqual([85, 90, 95, 100]);
    expect(niceTicks(0, 1)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(5, 5)).toEqual([5, 6]);
  });

  it('timeTicks: whole UTC steps, labelled for the span they cover', () => {
    const at = (iso: string) => Date.parse(iso);
    expect(timeTicks(at('2025-01-01T10:00:00Z'), at('2025-01-01T10:40:00Z')).map((t) => t.label)).toEqual([
      '10:00',
      '10:05',
      '10:10',
      '10:15',
      '10:20',
      '10:25',
      '10:30',
      '10:35',
      '10:40',
    ]);
    expect(timeTicks(at('2025-01-01T00:00:00Z'), at('2025-01-31T00:00:00Z')).map((t) => t.label)).toEqual([
      '01-02',
      '01-09',
      '01-16',
      '01-23',
      '01-30',
    ]);
    const longWindow = timeTicks(at('2025-01-01T00:00:00Z'), at('2026-11-23T00:00:00Z'));
    expect(longWindow.length).toBeLessThanOrEqual(8);
    expect(longWindow[0]!.label).toMatch(/^2025-\d\d-\d\d$/);
  });

  it('linePath breaks where a value is missing', () => {
    expect(linePath([{ x: 0, y: 1 }, { x: 1.26, y: 2 }, null, { x: 3, y: 4 }])).toBe('M0 1L1.3 2M3 4');
  });

  it('escapes markup and quotes', () => {
    expect(escapeXml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });

  it('lineChart: one path per series, named, with a legend entry each', () => {
    const svg = lineChart({
      title: 'Availability',
      kind: 'availability',
      series: ['a', 'b'].map((name) => ({
        name,
        points: [
          { at: 0, value: 99 },
          { at: 3_600_000, value: 100 },
        ],
      })),
      fromMs: 0,
      toMs: 3_600_000,
      yRange: [99, 100],
      yLabel: (value) => `${value}%`,
    });
    expect(svg.match(/data-series="/g)).toHaveLength(2);
    expect(svg).toContain('data-chart="availability"');
    expect(svg).toContain('>b</text>');
  });
});
