import type { CheckResult } from '../../core/vocabulary.ts';
import { type CheckContext, send } from '../check-context.ts';
import { checkResult, failureText, isRecord, parseJson, skipped } from '../evidence.ts';

const INDICATORS = ['none', 'minor', 'major', 'critical'];
const COMPONENT_STATUSES = [
  'operational',
  'degraded_performance',
  'partial_outage',
  'major_outage',
  'under_maintenance',
];
const RESOLVED_INCIDENT = ['resolved', 'postmortem', 'completed'];

interface VendorIncident {
  name: string;
  status: string;
  impact: string;
  shortlink: string | null;
}

function readIncidents(value: unknown): VendorIncident[] {
  if (!Array.isArray(value)) return [];
  return value.filter(isRecord).flatMap((incident) =>
    RESOLVED_INCIDENT.includes(String(incident.status))
      ? []
      : [
          {
            name: String(incident.name ?? 'unnamed incident'),
            status: String(incident.status ?? 'unknown'),
            impact: String(incident.impact ?? 'unknown'),
            shortlink: typeof incident.shortlink === 'string' ? incident.shortlink : null,
          },
        ],
  );
}

/** Statuspage's summary.json → operational / minor / major. Anything unrecognised is not read as healthy. */
export async function checkStatusPage(context: CheckContext): Promise<CheckResult> {
  const url = context.vendor.statusPageUrl;
  if (!url) return skipped('status_page', 'no status page configured');
  const { exchange, evidence } = await send(context, { url });
  if (exchange.error)
    return checkResult(
      'status_page',
      'warn',
      'unreachable',
      `status page unreachable (${failureText(exchange)})`,
      [evidence],
    );
  const summary = parseJson(exchange.body);
  const status = isRecord(summary) && isRecord(summary.status) ? summary.status : null;
  const indicator = String(status?.indicator);
  const components =
    isRecord(summary) && Array.isArray(summary.components) ? summary.components.filter(isRecord) : null;
  if (
    exchange.status !== 200 ||
    exchange.truncated ||
    !status ||
    !INDICATORS.includes(indicator) ||
    !components
  ) {
    return checkResult(
      'status_page',
      'warn',
      'bad_response',
      `status page unreadable (${failureText(exchange)})`,
      [evidence],
    );
  }
  const unknownComponent = components.find(
    (component) => !COMPONENT_STATUSES.includes(String(component.status)),
  );
  const troubled = components.filter(
    (component) => !['operational', 'under_maintenance'].includes(String(component.status)),
  );
  const incidents = readIncidents(isRecord(summary) ? summary.incidents : undefined);
  const facts = {
    indicator,
    description: String(status.description ?? ''),
    components: troubled.map((component) => `${component.name}: ${component.status}`),
    incidents,
  };
  const said = [
    `status page ${indicator === 'none' ? 'operational' : indicator}`,
    ...incidents.map(
      (incident) =>
        `"${incident.name}" (${incident.status}${incident.shortlink ? ` ${incident.shortlink}` : ''})`,
    ),
    ...facts.components,
  ].join(', ');
  if (unknownComponent) {
    return checkResult(
      'status_page',
      'warn',
      'bad_response',
      `status page has unknown component status "${String(unknownComponent.status)}"`,
      [evidence],
      facts,
    );
  }
  if (
    indicator === 'major' ||
    indicator === 'critical' ||
    troubled.some((component) => component.status === 'major_outage')
  ) {
    return checkResult('status_page', 'fail', 'major', said, [evidence], facts);
  }
  if (indicator === 'minor' || troubled.length > 0 || incidents.length > 0) {
    return checkResult('status_page', 'warn', 'minor', said, [evidence], facts);
  }
  return checkResult('status_page', 'pass', 'ok', said, [evidence], facts);
}
