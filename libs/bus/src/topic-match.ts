/**
 * AMQP topic matching for the in-memory bus: words separated by dots, `*` is exactly one word,
 * `#` zero or more words.
 */
export function topicMatches(pattern: string, routingKey: string): boolean {
  return matchWords(pattern.split('.'), 0, routingKey.split('.'), 0);
}

function matchWords(pattern: string[], p: number, key: string[], k: number): boolean {
  if (p === pattern.length) return k === key.length;
  if (pattern[p] === '#') {
    for (let skip = k; skip <= key.length; skip++) {
      if (matchWords(pattern, p + 1, key, skip)) return true;
    }
    return false;
  }
  if (k === key.length) return false;
  return (pattern[p] === '*' || pattern[p] === key[k]) && matchWords(pattern, p + 1, key, k + 1);
}
