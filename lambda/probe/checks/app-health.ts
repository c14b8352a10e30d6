import type { CheckResult } from '../../core/vocabulary.ts';
import { type CheckContext, send } from '../check-context.ts';
import { checkResult, failureText, isRecord, parseJson, skipped } from '../evidence.ts';

function valueAt(document: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((node, key) => (isRecord(node) ? node[key] : undefined), document);
}

/** Our own health endpoint, and the vendor's entry in it: "is our integration healthy?". */
export async function checkAppHealth(context: CheckContext): Promise<CheckResult> {
  const health = context.vendor.appHealth;
  if (!health) return skipped('app_health', 'no app health endpoint configured');
  const { exchange, evidence } = await send(context, { url: health.url });
  if (exchange.error)
    return checkResult(
      'app_health',
      'fail',
      'unreachable',
      `health endpoint unreachable (${failureText(exchange)})`,
      [evidence],
    );
  const ok = exchange.status !== null && exchange.status >= 200 && exchange.status < 300;
  if (!ok)
    return checkResult(
      'app_health',
      'fail',
      'unhealthy',
      `health endpoint answered HTTP ${exchange.status}`,
      [evidence],
    );
  if (!health.statusPath)
    return checkResult('app_health', 'pass', 'ok', `health endpoint HTTP ${exchange.status}`, [evidence]);
  const document = parseJson(exchange.body);
  if (document === undefined || exchange.truncated) {
    return checkResult('app_health', 'fail', 'bad_response', 'health endpoint body is not JSON', [evidence]);
  }
  const value = valueAt(document, health.statusPath);
  const reading = value === undefined || value === null ? 'missing' : String(value);
  const healthy = health.healthyValues.includes(reading.toLowerCase());
  return healthy
    ? checkResult('app_health', 'pass', 'ok', `${health.statusPath} = ${reading}`, [evidence])
    : checkResult('app_health', 'fail', 'unhealthy', `${health.statusPath} = ${reading}`, [evidence]);
}
