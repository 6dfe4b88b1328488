// One cron dialect for the whole controller: cron-parser v5, which the scheduler uses to compute ticks.
import { CronExpressionParser } from 'cron-parser';

/** Why a cron expression is not usable, or undefined when it is. 5 fields, 6 with seconds first, or a @macro. */
export function cronProblem(expression: string): string | undefined {
  const expr = expression.trim();
  const fields = expr.split(/\s+/).length;
  if (expr.length === 0) return 'cron expression is empty';
  if (!expr.startsWith('@') && fields !== 5 && fields !== 6) {
    return `cron expression has ${fields} fields; expected 5 (minute hour day month weekday) or 6 (with seconds first)`;
  }
  try {
    CronExpressionParser.parse(expr);
    return undefined;
  } catch (err) {
    return `invalid cron expression: ${err instanceof Error ? err.message : String(err)}`;
  }
}

