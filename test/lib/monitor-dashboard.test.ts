import { describe, expect, it } from 'vitest';
import { logicalIdOf, synthesizeOnce } from './synthesized.ts';

const synth = synthesizeOnce();

interface Widget {
  type: string;
  properties: { title: string; metrics?: unknown[][]; alarms?: string[] };
}

/** The dashboard body as JSON, each CloudFormation reference replaced by its logical id. */
function dashboardWidgets(): Widget[] {
  const [dashboard] = Object.values(synth.template.findResources('AWS::CloudWatch::Dashboard'));
  const parts: unknown[] = dashboard!.Properties.DashboardBody['Fn::Join'][1];
  const body = parts
    .map((part) => {
      if (typeof part === 'string') return part;
      const reference = part as { Ref?: string; 'Fn::GetAtt'?: string[] };
      return reference.Ref ?? reference['Fn::GetAtt']!.join('.');
    })
    .join('');
  return JSON.parse(body).widgets;
}

const widgetTitled = (title: string): Widget => {
  const widget = dashboardWidgets().find((candidate) => candidate.properties.title === title);
  expect(widget, title).toBeDefined();
  return widget!;
};

/** `[namespace, name, ...dimensions, options]` → `name stat vendor-or-resource`. */
const series = (widget: Widget): string[] =>
  widget.properties.metrics!.map((metric) => {
    const options = metric.at(-1) as { stat?: string };
    return [metric[1], options.stat, metric.at(-2)].join(' ');
  });

describe('MonitorDashboard', () => {
  it.each(['miro', 'ideogram', 'billing'])(
    'shows %s: latency p50/p95, probes and findings, open incident',
    (vendor) => {
      expect(series(widgetTitled(`${vendor}: API latency (ms)`))).toEqual([
        `ApiLatency p50 ${vendor}`,
        `ApiLatency p95 ${vendor}`,
      ]);
      expect(series(widgetTitled(`${vendor}: probes and findings`))).toEqual([
        `ProbeCompleted Sum ${vendor}`,
        `Finding Sum ${vendor}`,
      ]);
      expect(series(widgetTitled(`${vendor}: open incident`))).toEqual([`OpenIncidents Maximum ${vendor}`]);
    },
  );

  it('shows both functions’ errors and p95 duration, and every dead-letter queue’s depth', () => {
    const probe = logicalIdOf(synth.template, 'AWS::Lambda::Function', 'ProbeFunction');
    const state = logicalIdOf(synth.template, 'AWS::Lambda::Function', 'StateFunction');

    expect(series(widgetTitled('Function errors'))).toEqual([`Errors Sum ${probe}`, `Errors Sum ${state}`]);
    expect(series(widgetTitled('Function duration p95 (ms)'))).toEqual([
      `Duration p95 ${probe}`,
      `Duration p95 ${state}`,
    ]);
    expect(series(widgetTitled('Dead-letter queue depth'))).toHaveLength(3);
  });

  it('opens with the state of every alarm', () => {
    expect(widgetTitled('Alarms').properties.alarms).toHaveLength(10);
  });
});
