import type { Citation } from './tools/agent-tool.js';

const SNIPPET = 160;

/**
 * The answer with its sources: the retrieved rows whose `[n]` markers the answer contains (in
 * order of first mention, each once) are the citations, and the text gets a "Sources:" list
 * naming each one's index, source and id with a snippet. Markers that name nothing retrieved
 * are left as written and cite nothing; an answer without markers gets no list.
 */
export function citedAnswer(text: string, retrieved: readonly Citation[]): { content: string; cited: Citation[] } {
  const byIndex = new Map(retrieved.map((c) => [c.index, c]));
  const cited: Citation[] = [];
  for (const match of text.matchAll(/\[(\d{1,4})\]/g)) {
    const citation = byIndex.get(Number(match[1]));
    if (citation !== undefined && !cited.includes(citation)) cited.push(citation);
  }
  if (cited.length === 0) return { content: text, cited };
  const lines = cited.map((c) => `[${c.index}] ${c.source} id=${c.id}: ${snippet(c.text)}`);
  return { content: `${text.trimEnd()}\n\nSources:\n${lines.join('\n')}`, cited };
}

function snippet(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > SNIPPET ? `${flat.slice(0, SNIPPET - 1)}…` : flat;
}
