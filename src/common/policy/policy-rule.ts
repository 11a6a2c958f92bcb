/**
 * oslo.policy's rule language, so operators can read and override Strata's defaults in
 * the syntax they know: `role:admin or (role:reader and system_scope:all)`,
 * `rule:admin_required`, `project_id:%(target.project.id)s`, `@`, `!`, `not`.
 */
export type PolicyExpr =
  | { readonly kind: 'true' }
  | { readonly kind: 'false' }
  | { readonly kind: 'rule'; readonly name: string }
  | { readonly kind: 'match'; readonly key: string; readonly value: string }
  | { readonly kind: 'not'; readonly expr: PolicyExpr }
  | { readonly kind: 'and' | 'or'; readonly items: ReadonlyArray<PolicyExpr> };

export function parsePolicyRule(text: string): PolicyExpr {
  const tokens = tokenize(text);
  if (tokens.length === 0) return { kind: 'true' };
  const p = new Parser(tokens, text);
  const expr = p.parseOr();
  p.expectEnd();
  return expr;
}

// Parentheses are peeled off word edges only, so `%(target.project.id)s` stays whole.
function tokenize(text: string): string[] {
  const out: string[] = [];
  for (let word of text.split(/\s+/).filter((w) => w.length > 0)) {
    while (word.startsWith('(')) {
      out.push('(');
      word = word.slice(1);
    }
    let closing = 0;
    while (word.endsWith(')')) {
      closing++;
      word = word.slice(0, -1);
    }
    if (word.length > 0) out.push(word);
    for (let i = 0; i < closing; i++) out.push(')');
  }
  return out;
}

class Parser {
  #pos = 0;
  constructor(
    readonly tokens: ReadonlyArray<string>,
    readonly source: string,
  ) {}

  parseOr(): PolicyExpr {
    const items = [this.parseAnd()];
    while (this.#peek() === 'or') {
      this.#pos++;
      items.push(this.parseAnd());
    }
    return items.length === 1 ? items[0]! : { kind: 'or', items };
  }

  parseAnd(): PolicyExpr {
    const items = [this.parseNot()];
    while (this.#peek() === 'and') {
      this.#pos++;
      items.push(this.parseNot());
    }
    return items.length === 1 ? items[0]! : { kind: 'and', items };
  }

  parseNot(): PolicyExpr {
    if (this.#peek() === 'not') {
      this.#pos++;
      return { kind: 'not', expr: this.parseNot() };
    }
    return this.parseAtom();
  }

  parseAtom(): PolicyExpr {
    const t = this.tokens[this.#pos++];
    if (t === undefined) throw new Error(`policy rule ends early: ${this.source}`);
    if (t === '(') {
      const inner = this.parseOr();
      if (this.tokens[this.#pos++] !== ')') throw new Error(`missing ')' in policy rule: ${this.source}`);
      return inner;
    }
    if (t === '@') return { kind: 'true' };
    if (t === '!') return { kind: 'false' };
    const colon = t.indexOf(':');
    if (colon <= 0) throw new Error(`bad policy check '${t}' in: ${this.source}`);
    const key = t.slice(0, colon);
    const value = t.slice(colon + 1);
    return key === 'rule' ? { kind: 'rule', name: value } : { kind: 'match', key, value };
  }

  expectEnd(): void {
    if (this.#pos !== this.tokens.length)
      throw new Error(`unexpected '${this.tokens[this.#pos]}' in policy rule: ${this.source}`);
  }

  #peek(): string | undefined {
    return this.tokens[this.#pos]?.toLowerCase();
  }
}
