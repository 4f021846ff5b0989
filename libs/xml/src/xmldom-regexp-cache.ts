/**
 * xmldom 0.9 builds a new Unicode RegExp (`grammar.reg(...)`) for every end tag it parses, and
 * compiling it cost a quarter of the time of parsing a 4 KB package. `reg` only joins the sources
 * of constant grammar pieces, and the expressions it returns carry no `g`/`y` flag (no state), so
 * handing back the same compiled object for the same pieces changes nothing but the cost. Remove
 * once xmldom hoists these expressions itself.
 */
type RegPart = RegExp | string;
type Reg = (this: unknown, ...parts: RegPart[]) => RegExp;

const MAX_CACHED = 64;

/** One level per argument, keyed by the argument itself (string value or RegExp identity). */
interface TrieNode {
  next: Map<RegPart, TrieNode>;
  compiled?: RegExp;
}

function memoizeReg(grammar: { reg?: Reg & { memoized?: true } }): void {
  const original = grammar.reg;
  if (typeof original !== 'function' || original.memoized) return;
  const root: TrieNode = { next: new Map() };
  let cached = 0;
  const reg = function (this: unknown, ...parts: RegPart[]): RegExp {
    let node = root;
    for (const part of parts) {
      let next = node.next.get(part);
      if (!next) {
        if (cached >= MAX_CACHED) return original.apply(this, parts);
        next = { next: new Map() };
        node.next.set(part, next);
      }
      node = next;
    }
    if (node.compiled) return node.compiled;
    const compiled = original.apply(this, parts);
    if (!compiled.global && !compiled.sticky && cached < MAX_CACHED) {
      node.compiled = compiled;
      cached += 1;
    }
    return compiled;
  } as Reg & { memoized?: true };
  reg.memoized = true;
  grammar.reg = reg;
}

try {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  memoizeReg(require('@xmldom/xmldom/lib/grammar') as { reg?: Reg });
} catch {
  // Another xmldom layout: nothing to speed up, parsing works the same.
}
