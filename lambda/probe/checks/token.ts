import type { CheckResult } from '../../core/vocabulary.ts';
import { type CheckContext, send } from '../check-context.ts';
import { checkResult, failureText, isRecord, parseJson, skipped } from '../evidence.ts';

function readScopes(value: unknown): string[] | null {
  if (Array.isArray(value)) return value.map(String);
  if (typeof value === 'string') return value.split(/[\s,]+/).filter(Boolean);
  return null;
}

/** Token introspection (Miro `GET /v1/oauth-token`): is the token valid, and does it carry the scopes we need? */
export async function checkToken(context: CheckContext): Promise<CheckResult> {
  const { tokenUrl, requiredScopes } = context.vendor;
  if (!tokenUrl || !context.vendor.auth) return skipped('token', 'no token introspection for this vendor');
  const { exchange, evidence } = await send(context, { url: tokenUrl, authenticated: true });
  if (exchange.error)
    return checkResult(
      'token',
      'warn',
      'unreachable',
      `introspection unreachable (${failureText(exchange)})`,
      [evidence],
    );
  if (exchange.status === 401)
    return checkResult('token', 'fail', 'unauthorized', 'token rejected (HTTP 401): invalid or expired', [
      evidence,
    ]);
  if (exchange.status !== null && exchange.status >= 500) {
    return checkResult('token', 'warn', 'server_error', `introspection failed (HTTP ${exchange.status})`, [
      evidence,
    ]);
  }
  const document = parseJson(exchange.body);
  const scopes = isRecord(document) ? readScopes(document.scopes) : null;
  if (exchange.status !== 200 || !scopes) {
    return checkResult(
      'token',
      'warn',
      'bad_response',
      `introspection unreadable (HTTP ${exchange.status})`,
      [evidence],
    );
  }
  const team = isRecord(document) && isRecord(document.team) ? String(document.team.id ?? '') : '';
  const missingScopes = requiredScopes.filter((scope) => !scopes.includes(scope));
  const facts = { scopes, team: team || null, missingScopes };
  if (missingScopes.length > 0) {
    return checkResult(
      'token',
      'fail',
      'missing_scopes',
      `token lacks ${missingScopes.join(', ')} (has ${scopes.join(', ') || 'none'})`,
      [evidence],
      facts,
    );
  }
  return checkResult(
    'token',
    'pass',
    'ok',
    `token valid; scopes ${scopes.join(', ')}${team ? `; team ${team}` : ''}`,
    [evidence],
    facts,
  );
}
