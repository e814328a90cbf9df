import type { Exchange } from '../model/exchange.js';
import { fieldAliases, filterFields, type FilterField } from './filter-fields.js';

/**
 * The filter language shared by the TUI (`/`) and exports (`--filter`):
 *
 *   status>=500    server=users    method=POST and path~/orders    latency>100ms    not client=health
 *
 * Comparisons `field OP value` with OP one of = != ~ !~ > >= < <=, combined with `and`, `or`, `not`
 * and parentheses. `=` on text is case-insensitive equality, `~` a case-insensitive substring (or a
 * /regex/). A bare word matches anywhere in method, url, client, server or status.
 */
export type ExchangePredicate = (exchange: Exchange) => boolean;

export class FilterSyntaxError extends Error {
  constructor(
    message: string,
    /** Character offset in the expression where the problem is. */
    readonly position: number,
  ) {
    super(message);
    this.name = 'FilterSyntaxError';
  }
}

type Operator = '=' | '!=' | '~' | '!~' | '>' | '>=' | '<' | '<=';

interface Token {
  type: 'word' | 'op' | '(' | ')' | 'end';
  text: string;
  position: number;
}

const operatorPattern = /^(!=|!~|>=|<=|=|~|>|<)/;

function tokenize(expression: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < expression.length) {
    const ch = expression[i];
    if (ch === ' ' || ch === '\t') {
      i++;
    } else if (ch === '(' || ch === ')') {
      tokens.push({ type: ch, text: ch, position: i });
      i++;
    } else if (ch === '"' || ch === "'") {
      const close = expression.indexOf(ch, i + 1);
      if (close === -1) throw new FilterSyntaxError('unterminated quote', i);
      tokens.push({ type: 'word', text: expression.slice(i + 1, close), position: i });
      i = close + 1;
    } else {
      const op = operatorPattern.exec(expression.slice(i));
      if (op) {
        tokens.push({ type: 'op', text: op[1], position: i });
        i += op[1].length;
        continue;
      }
      const start = i;
      while (i < expression.length && !' \t()"\'=!~<>'.includes(expression[i])) i++;
      if (i === start) i++; // a lone '!' (negation) or a stray character: one-character token
      // A regex value /…/ may contain characters that would otherwise end a word.
      if (expression[start] === '/' && tokens.at(-1)?.type === 'op') {
        const close = expression.indexOf('/', start + 1);
        if (close !== -1) i = close + 1;
        while (i < expression.length && /[a-z]/i.test(expression[i])) i++;
      }
      tokens.push({ type: 'word', text: expression.slice(start, i), position: start });
    }
  }
  tokens.push({ type: 'end', text: '', position: expression.length });
  return tokens;
}

class Parser {
  private index = 0;
  constructor(private readonly tokens: Token[]) {}

  parse(): ExchangePredicate {
    const predicate = this.parseOr();
    const next = this.peek();
    if (next.type !== 'end') throw new FilterSyntaxError(`unexpected '${next.text}'`, next.position);
    return predicate;
  }

  private peek(): Token {
    return this.tokens[this.index];
  }

  private take(): Token {
    return this.tokens[this.index++];
  }

  private isKeyword(word: string): boolean {
    const t = this.peek();
    return t.type === 'word' && t.text.toLowerCase() === word;
  }

  private parseOr(): ExchangePredicate {
    let left = this.parseAnd();
    while (this.isKeyword('or') || this.peek().text === '||') {
      this.take();
      const l = left;
      const r = this.parseAnd();
      left = (e) => l(e) || r(e);
    }
    return left;
  }

  private parseAnd(): ExchangePredicate {
    let left = this.parseNot();
    for (;;) {
      if (this.isKeyword('and') || this.peek().text === '&&') this.take();
      else if (!this.startsOperand()) break;
      const l = left;
      const r = this.parseNot();
      left = (e) => l(e) && r(e);
    }
    return left;
  }

  /** Juxtaposed terms mean `and`: `method=GET status=200`. */
  private startsOperand(): boolean {
    const t = this.peek();
    return t.type === '(' || (t.type === 'word' && !['or', '||'].includes(t.text.toLowerCase()));
  }

  private parseNot(): ExchangePredicate {
    if (this.isKeyword('not') || this.peek().text === '!') {
      this.take();
      const inner = this.parseNot();
      return (e) => !inner(e);
    }
    return this.parsePrimary();
  }

  private parsePrimary(): ExchangePredicate {
    const t = this.take();
    if (t.type === '(') {
      const inner = this.parseOr();
      const close = this.take();
      if (close.type !== ')') throw new FilterSyntaxError("missing ')'", close.position);
      return inner;
    }
    if (t.type !== 'word') {
      throw new FilterSyntaxError(t.type === 'end' ? 'expression ends too early' : `unexpected '${t.text}'`, t.position);
    }
    if (this.peek().type !== 'op') return anywhere(t.text);
    const op = this.take().text as Operator;
    const value = this.take();
    if (value.type !== 'word') throw new FilterSyntaxError(`a value must follow '${op}'`, value.position);
    const name = t.text.toLowerCase();
    const field = filterFields[fieldAliases[name] ?? name];
    if (!field) {
      const known = Object.keys(filterFields).join(', ');
      throw new FilterSyntaxError(`unknown field '${t.text}' (fields: ${known})`, t.position);
    }
    return compare(field, op, value);
  }
}

function anywhere(word: string): ExchangePredicate {
  const needle = word.toLowerCase();
  const fields = ['method', 'url', 'client', 'server', 'status'].map((n) => filterFields[n]);
  return (e) =>
    fields.some((f) => {
      const v = f.read(e);
      const values = Array.isArray(v) ? v : [v];
      return values.some((x) => x !== undefined && String(x).toLowerCase().includes(needle));
    });
}

function parseNumber(field: FilterField, token: Token): number {
  const match = /^(-?\d+(?:\.\d+)?)([a-zµ]*)$/i.exec(token.text);
  if (!match) throw new FilterSyntaxError(`'${token.text}' is not a number`, token.position);
  const unit = match[2].toLowerCase();
  if (unit === '') return Number(match[1]);
  const factor = field.units?.[unit];
  if (factor === undefined) {
    const units = Object.keys(field.units ?? {}).join(', ') || 'none';
    throw new FilterSyntaxError(`unknown unit '${match[2]}' (units: ${units})`, token.position);
  }
  return Number(match[1]) * factor;
}

function textMatcher(op: Operator, token: Token): (text: string) => boolean {
  const raw = token.text;
  if (op === '~' || op === '!~') {
    const regex = /^\/(.*)\/([a-z]*)$/.exec(raw);
    if (regex) {
      let compiled: RegExp;
      try {
        compiled = new RegExp(regex[1], regex[2].includes('i') ? regex[2] : `${regex[2]}i`);
      } catch (error) {
        throw new FilterSyntaxError(`bad regular expression: ${(error as Error).message}`, token.position);
      }
      return (text) => compiled.test(text);
    }
    const needle = raw.toLowerCase();
    return (text) => text.toLowerCase().includes(needle);
  }
  const wanted = raw.toLowerCase();
  return (text) => text.toLowerCase() === wanted;
}

function compare(field: FilterField, op: Operator, token: Token): ExchangePredicate {
  const negated = op === '!=' || op === '!~';
  if (field.kind === 'number' && op !== '~' && op !== '!~') {
    const wanted = parseNumber(field, token);
    const test = numberTest(op, wanted);
    return (e) => {
      const v = field.read(e);
      return typeof v === 'number' ? test(v) : negated;
    };
  }
  if (op === '>' || op === '>=' || op === '<' || op === '<=') {
    throw new FilterSyntaxError(`'${op}' needs a number field`, token.position);
  }
  const matches = textMatcher(op, token);
  return (e) => {
    const v = field.read(e);
    const values = Array.isArray(v) ? v : v === undefined ? [] : [String(v)];
    const any = values.some(matches);
    return negated ? !any : any;
  };
}

function numberTest(op: Operator, wanted: number): (v: number) => boolean {
  switch (op) {
    case '=':
      return (v) => v === wanted;
    case '!=':
      return (v) => v !== wanted;
    case '>':
      return (v) => v > wanted;
    case '>=':
      return (v) => v >= wanted;
    case '<':
      return (v) => v < wanted;
    default:
      return (v) => v <= wanted;
  }
}

/** Compiles a filter expression; throws FilterSyntaxError with a position when it does not parse. */
export function compileFilter(expression: string): ExchangePredicate {
  if (expression.trim() === '') return () => true;
  return new Parser(tokenize(expression)).parse();
}
