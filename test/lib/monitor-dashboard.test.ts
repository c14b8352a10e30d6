import { describe, expect, it } from 'vitest';
import { logicalIdOf, scheduleGroupNameOf, synthesizeOnce } from './synthesized.ts';

const synth = synthesizeOnce();

interface Widget {
  type: string;
  properties: { title: string; view?: string; metrics?: unknown[][]; alarms?: string[]; query?: string };
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

/**
 * `[namespace, name, ...dimensions, options]` → `name stat last-dimension-value` (CDK leaves out the
 * default statistic, Average); a math expression → the expression.
 */
const series = (widget: Widget): string[] =>
  widget.properties.metrics!.map((metric) => {
    const options = metric.at(-1) as { stat?: string; expression?: string };
    return options.expression ?? [metric[1], options.stat ?? 'Average', metric.at(-2)].join(' ');
  });

/** A Logs Insights widget's log groups (`SOURCE '<id>'`) and its commands, one per line. */
const logQuery = (widget: Widget): { sources: string[]; commands: string[] } => {
  const sources = [...widget.properties.query!.matchAll(/SOURCE '([^']+)' \| /g)].map((match) => match[1]!);
  const commands = widget.properties.query!.replace(/SOURCE '[^']+' \| /g, '').split('\n| ');
  return { sources, commands };
};

const probeLogs = () => logicalIdOf(synth.template, 'AWS::Logs::LogGroup', 'ProbeLogs');
const stateLogs = () => logicalIdOf(synth.template, 'AWS::Logs::LogGroup', 'StateLogs');

describe('MonitorDashboard', () => {
  it.each(['miro', 'ideogram', 'billing'])(
    'shows %s from the probe’s log lines: API latency p50/p95 and probes and findings over time',
    (vendor) => {
      const latency = widgetTitled(`${vendor}: API latency (ms)`);
      const outcomes = widgetTitled(`${vendor}: probes and findings`);

      for (const widget of [latency, outcomes]) {
        expect(widget).toMatchObject({ type: 'log', properties: { view: 'timeSeries' } });
        expect(logQuery(widget).sources).toEqual([probeLogs()]);
        expect(logQuery(widget).commands[0]).toBe(
          `filter message = "result stored" and vendor = "${vendor}"`,
        );
      }
      expect(logQuery(latency).commands[1]).toBe(
        'stats pct(apiLatencyMs, 50) as p50, pct(apiLatencyMs, 95) as p95 by bin(5m)',
      );
      expect(logQuery(outcomes).commands[1]).toBe(
        'stats count(*) as probes, count(severity) as findings by bin(5m)',
      );
    },
  );

  it('indexes the probe’s log lines on the vendor, so each vendor’s widgets scan only its lines', () => {
    expect(synth.template.findResources('AWS::Logs::LogGroup')[probeLogs()]!.Properties).toMatchObject({
      FieldIndexPolicies: [{ Fields: ['vendor'] }],
    });
  });

  it('sums up every vendor in one table and shows each vendor’s latest incident event', () => {
    const vendors = widgetTitled('Vendors: probes, findings, API p95 (ms), last cause and result');
    const incidents = widgetTitled('Incidents: latest event per vendor (open unless resolved)');

    expect(vendors).toMatchObject({ type: 'log', properties: { view: 'table' } });
    expect(logQuery(vendors).sources).toEqual([probeLogs()]);
    expect(logQuery(vendors).commands[1]).toMatch(/ by vendor$/);
    expect(logQuery(incidents).sources).toEqual([stateLogs()]);
    expect(logQuery(incidents).commands[0]).toBe('filter message = "incident event"');
    expect(logQuery(incidents).commands[1]).toMatch(/^stats latest\(event\) as lastEvent, .* by vendor$/);
  });

  it('graphs the handlers’ metrics summed over vendors, and Scheduler’s invocations per vendor', () => {
    expect(series(widgetTitled('Probes and findings, all vendors'))).toEqual([
      'ProbeCompleted Sum vendorwatch',
      'Finding Sum vendorwatch',
    ]);
    expect(series(widgetTitled('Open incidents, all vendors'))).toEqual([
      'share * 3',
      'OpenIncidents Average vendorwatch',
    ]);
    expect(series(widgetTitled('Probe invocations by Scheduler'))).toEqual(
      ['miro', 'ideogram', 'billing'].map(
        (vendor) => `InvocationAttemptCount Sum ${scheduleGroupNameOf(synth.template, vendor)}`,
      ),
    );
  });

  it('graphs no metric with a vendor dimension: those would be billed per vendor', () => {
    const metrics = dashboardWidgets().flatMap((widget) => widget.properties.metrics ?? []);

    expect(metrics.length).toBeGreaterThan(0);
    for (const metric of metrics) expect(metric).not.toContain('vendor');
  });

  it('shows both functions’ errors and p95 duration, every dead-letter queue’s depth, and their failures', () => {
    const probe = logicalIdOf(synth.template, 'AWS::Lambda::Function', 'ProbeFunction');
    const state = logicalIdOf(synth.template, 'AWS::Lambda::Function', 'StateFunction');

    expect(series(widgetTitled('Function errors'))).toEqual([`Errors Sum ${probe}`, `Errors Sum ${state}`]);
    expect(series(widgetTitled('Function duration p95 (ms)'))).toEqual([
      `Duration p95 ${probe}`,
      `Duration p95 ${state}`,
    ]);
    expect(series(widgetTitled('Dead-letter queue depth'))).toHaveLength(3);
    expect(logQuery(widgetTitled('Function failures, latest first')).sources).toEqual([
      probeLogs(),
      stateLogs(),
    ]);
  });

  it('opens with the state of every alarm', () => {
    expect(widgetTitled('Alarms').properties.alarms).toHaveLength(10);
  });
});
