import { HopscopeError } from '../model/errors.js';
import { compileFilter, FilterSyntaxError, type ExchangePredicate } from '../store/filter.js';

/** --filter for read and live: a syntax error becomes a usage error that points at the problem. */
export function compileUserFilter(expression: string | undefined): ExchangePredicate {
  try {
    return compileFilter(expression ?? '');
  } catch (error) {
    if (error instanceof FilterSyntaxError) {
      const pointer = `${' '.repeat(error.position)}^`;
      throw new HopscopeError('usage', `--filter: ${error.message}\n  ${expression}\n  ${pointer}`);
    }
    throw error;
  }
}
