// Does a line the server sent match the line a case expects? Besides exact text, two forms for what a foreign
// server may word its own way or what other runs leave behind:
//   `WELCOME alice$ …`              the line starts with `WELCOME alice$ ` (the rest is the server's own text)
//   `RESULT CHANNELS ⊇ a$, b$`      after `RESULT CHANNELS `, a list that holds these items in this order
//                                   (others may come between: channels of earlier runs persist)

export const ANY_REST = ' …';
export const HOLDS = ' ⊇ ';

/** Undefined when `got` matches `expected`, else the first difference in words. */
export function difference(expected: string, got: string): string | undefined {
  if (expected.endsWith(ANY_REST)) {
    const prefix = expected.slice(0, -ANY_REST.length);
    return got === prefix || got.startsWith(prefix + ' ') ? undefined : firstDifference(prefix, got.slice(0, prefix.length + 1), 'to start with');
  }
  const holds = expected.indexOf(HOLDS);
  if (holds >= 0) return listDifference(expected.slice(0, holds) + ' ', expected.slice(holds + HOLDS.length), got);
  return got === expected ? undefined : firstDifference(expected, got, 'to be');
}

function firstDifference(expected: string, got: string, relation: string): string {
  let i = 0;
  while (i < expected.length && i < got.length && expected[i] === got[i]) i++;
  const where = i === 0 ? 'at the start' : `after ${JSON.stringify(expected.slice(0, i))}`;
  const wanted = i < expected.length ? JSON.stringify(expected.slice(i, i + 12)) : 'the end of the line';
  const came = i < got.length ? JSON.stringify(got.slice(i, i + 12)) : 'the end of the line';
  return `expected the line ${relation} ${JSON.stringify(expected)}; ${where} it has ${came} where ${wanted} was expected`;
}

/** Splits a list on commas, each item without the spaces around it. */
function items(list: string): string[] {
  return list === '' ? [] : list.split(',').map((item) => item.trim());
}

function listDifference(prefix: string, wanted: string, got: string): string | undefined {
  const bare = prefix.trimEnd();
  if (got !== bare && !got.startsWith(prefix)) return firstDifference(prefix, got.slice(0, prefix.length), 'to start with');
  const have = items(got === bare ? '' : got.slice(prefix.length));
  let from = 0;
  for (const item of items(wanted)) {
    const at = have.indexOf(item, from);
    if (at < 0) {
      return have.includes(item)
        ? `expected ${JSON.stringify(item)} after the items before it in ${JSON.stringify(got)}`
        : `expected ${JSON.stringify(got)} to list ${JSON.stringify(item)}`;
    }
    from = at + 1;
  }
  return undefined;
}
