import type { ChatMessage, ChatRequest } from '../model-types.js';
import type { Score } from './eval-types.js';

/** What a judge sees of one row. */
export interface JudgeInput {
  readonly request: string;
  readonly response: string;
  readonly expectedResponse: string | null;
  readonly expectedFacts: readonly string[] | null;
  /** Texts the system retrieved (agent citations), for groundedness. */
  readonly context: readonly string[];
}

export type JudgeScorer = 'correctness' | 'groundedness' | 'relevance';

const SYSTEM = `You are an impartial evaluator of answers given by an AI system.
Answer only with a JSON object: {"score": "yes" | "no", "rationale": "<one or two sentences>"}.`;

const QUESTIONS: Record<JudgeScorer, string> = {
  correctness: 'Is the response correct: does it state the expected facts (or agree with the expected response) without contradicting them?',
  groundedness: 'Is every claim of the response supported by the retrieved context? Claims not found in the context make the answer "no".',
  relevance: 'Does the response address the request (rather than something else, or nothing)?',
};

/**
 * Whether the scorer applies to the row, else why not: correctness needs an expected
 * response or facts, groundedness retrieved context.
 */
export function judgeSkip(scorer: JudgeScorer, input: JudgeInput): string | undefined {
  if (scorer === 'correctness' && input.expectedResponse === null && (input.expectedFacts === null || input.expectedFacts.length === 0)) return 'no expected_response or expected_facts';
  if (scorer === 'groundedness' && input.context.length === 0) return 'no retrieved context (the system cited nothing)';
  return undefined;
}

/**
 * The judge's request for one scorer and row: the question, the row's texts in tagged blocks,
 * temperature 0, the evaluation's seed and a JSON schema for the verdict (so a deterministic
 * judge gives identical verdicts run after run).
 */
export function judgeRequest(scorer: JudgeScorer, input: JudgeInput, seed: number): ChatRequest {
  const parts = [`Question for you: ${QUESTIONS[scorer]}`, block('request', input.request), block('response', input.response)];
  if (scorer === 'correctness') {
    if (input.expectedResponse !== null) parts.push(block('expected_response', input.expectedResponse));
    if (input.expectedFacts !== null && input.expectedFacts.length > 0) parts.push(block('expected_facts', input.expectedFacts.map((f) => `- ${f}`).join('\n')));
  }
  if (scorer === 'groundedness') parts.push(block('retrieved_context', input.context.map((c, i) => `[${i + 1}] ${c}`).join('\n')));
  const messages: ChatMessage[] = [
    { role: 'system', content: SYSTEM },
    { role: 'user', content: `Scorer: ${scorer}\n${parts.join('\n')}` },
  ];
  return {
    messages,
    temperature: 0,
    seed,
    response_format: {
      type: 'json_schema',
      json_schema: {
        name: 'verdict',
        strict: true,
        schema: {
          type: 'object',
          properties: { score: { type: 'string', enum: ['yes', 'no'] }, rationale: { type: 'string' } },
          required: ['score', 'rationale'],
          additionalProperties: false,
        },
      },
    },
  };
}

function block(tag: string, text: string): string {
  return `<${tag}>\n${text}\n</${tag}>`;
}

/**
 * The verdict in a judge's reply: the first JSON object in it (code fences and prose around it
 * are tolerated) with `score` yes/no (also true/false, pass/fail, 1/0). A reply without one
 * scores null, the rationale saying what came back.
 */
export function parseVerdict(reply: string): Score {
  const object = firstJsonObject(reply);
  const raw = object?.['score'];
  const rationale = typeof object?.['rationale'] === 'string' ? object['rationale'] : null;
  const value = verdictValue(raw);
  if (value === undefined) return { value: null, rationale: `judge reply has no yes/no score: ${reply.slice(0, 200)}` };
  return { value, rationale };
}

function verdictValue(raw: unknown): number | undefined {
  const text = typeof raw === 'string' ? raw.trim().toLowerCase() : raw;
  if (text === 'yes' || text === 'pass' || text === true || text === 1 || text === '1') return 1;
  if (text === 'no' || text === 'fail' || text === false || text === 0 || text === '0') return 0;
  return undefined;
}

function firstJsonObject(text: string): Record<string, unknown> | undefined {
  for (let start = text.indexOf('{'); start >= 0; start = text.indexOf('{', start + 1)) {
    for (let end = text.lastIndexOf('}'); end > start; end = text.lastIndexOf('}', end - 1)) {
      try {
        const value = JSON.parse(text.slice(start, end + 1)) as unknown;
        if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
      } catch {
        // Try a shorter candidate.
      }
    }
  }
  return undefined;
}
