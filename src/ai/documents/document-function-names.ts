/** The document functions, evaluated by the same staged rounds as the model functions. */
export const DOCUMENT_FUNCTION_NAMES = ['ai_parse_document', 'ai_chunk_text', 'ai_chunk_document'] as const;
