/**
 * Redis glob matching (util.c: stringmatchlen), the one matcher of PSUBSCRIBE, SENTINEL RESET,
 * ACL patterns, SENTINEL CONFIG GET and COMMAND LIST FILTERBY PATTERN: `*` any run, `?` one
 * character, `[abc]`, `[^a]`, `[a-z]` (reversed ranges allowed), `\x` a literal x.
 * Case-sensitive unless asked. Redis's edges are kept: a class may run to the pattern's end, a
 * range may end in `]`, `*` never matches an empty string on its own, and with `nocase` an
 * escaped class character still compares exactly and a range is lowercased after its ends are
 * put in order.
 *
 * A failed `*` tells every enclosing `*` that trying longer prefixes cannot succeed either
 * (Redis 7's skipLongerMatches), which keeps patterns like `*a*a*a*b` linear-ish instead of
 * exponential on long inputs.
 */

interface MatchState {
  /** Set when a nested `*` exhausted the string: outer stars stop trying. */
  skipLongerMatches: boolean;
}

function foldCase(c: string, nocase: boolean): string {
  return nocase ? c.toLowerCase() : c;
}

/** Matches a `[...]` class at pattern[p] (just after `[`). Returns [matched, index after `]`]. */
function matchClass(pattern: string, p: number, ch: string, nocase: boolean): [boolean, number] {
  let i = p;
  const negate = pattern[i] === "^";
  if (negate) i += 1;
  let matched = false;
  for (;;) {
    if (pattern[i] === "\\" && i + 1 < pattern.length) {
      // Redis compares an escaped class character exactly, even with nocase.
      if (pattern[i + 1] === ch) matched = true;
      i += 2;
      continue;
    }
    if (i >= pattern.length) {
      // Unterminated class: Redis treats the end of the pattern as the closing bracket.
      i = pattern.length - 1;
      break;
    }
    const pc = pattern[i]!;
    if (pc === "]") break;
    if (i + 2 < pattern.length && pattern[i + 1] === "-") {
      let lo = pc;
      let hi = pattern[i + 2]!;
      if (lo > hi) [lo, hi] = [hi, lo];
      const c = foldCase(ch, nocase);
      if (c >= foldCase(lo, nocase) && c <= foldCase(hi, nocase)) matched = true;
      i += 3;
      continue;
    }
    if (foldCase(pc, nocase) === foldCase(ch, nocase)) matched = true;
    i += 1;
  }
  return [negate ? !matched : matched, i + 1];
}

function matchFrom(
  pattern: string,
  p0: number,
  text: string,
  s0: number,
  nocase: boolean,
  state: MatchState,
): boolean {
  let p = p0;
  let s = s0;
  while (p < pattern.length && s < text.length) {
    const pc = pattern[p]!;
    if (pc === "*") {
      while (pattern[p + 1] === "*") p += 1;
      if (p + 1 === pattern.length) return true;
      for (let k = s; k < text.length; k++) {
        if (matchFrom(pattern, p + 1, text, k, nocase, state)) return true;
        if (state.skipLongerMatches) return false;
      }
      state.skipLongerMatches = true;
      return false;
    }
    if (pc === "?") {
      p += 1;
      s += 1;
      continue;
    }
    if (pc === "[") {
      const [ok, next] = matchClass(pattern, p + 1, text[s]!, nocase);
      if (!ok) return false;
      p = next;
      s += 1;
      continue;
    }
    let literal = pc;
    if (pc === "\\" && p + 1 < pattern.length) {
      p += 1;
      literal = pattern[p]!;
    }
    if (foldCase(literal, nocase) !== foldCase(text[s]!, nocase)) return false;
    p += 1;
    s += 1;
  }
  if (s < text.length) return false;
  // Trailing stars match the empty rest, but only once a character was consumed: Redis skips
  // them when the string runs out inside its loop, so `*` alone does not match "".
  if (s > s0) while (p < pattern.length && pattern[p] === "*") p += 1;
  return p === pattern.length;
}

/** True when `text` matches the Redis glob `pattern`. */
export function globMatch(pattern: string, text: string, nocase = false): boolean {
  return matchFrom(pattern, 0, text, 0, nocase, { skipLongerMatches: false });
}
