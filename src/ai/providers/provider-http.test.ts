import { describe, expect, it } from 'vitest';
import { joinUrl, parseRetryAfter, providerLabel, providerMessageOf, redactSecret } from './provider-http.js';
import { messagesUrl } from './anthropic-provider.js';

describe('parseRetryAfter', () => {
  const now = Date.parse('2025-01-01T00:00:00Z');
  it('prefers retry-after-ms, then seconds, then an HTTP date', () => {
    expect(parseRetryAfter(new Headers({ 'retry-after-ms': '1500.4', 'retry-after': '9' }), now)).toBe(1500);
    expect(parseRetryAfter(new Headers({ 'retry-after': '2' }), now)).toBe(2000);
    expect(parseRetryAfter(new Headers({ 'retry-after': '0.5' }), now)).toBe(500);
    expect(parseRetryAfter(new Headers({ 'retry-after': 'Wed, 01 Jan 2025 00:00:07 GMT' }), now)).toBe(7000);
  });
  it('is undefined when absent or unreadable, and never negative', () => {
    expect(parseRetryAfter(new Headers(), now)).toBeUndefined();
    expect(parseRetryAfter(new Headers({ 'retry-after': 'soon' }), now)).toBeUndefined();
    expect(parseRetryAfter(new Headers({ 'retry-after': 'Tue, 31 Dec 2024 23:59:00 GMT' }), now)).toBe(0);
  });
});

describe('redactSecret', () => {
  it('removes the key, masked echoes of it and key-shaped words', () => {
    const key = 'sk-proj-abcdef1234567890wxyz';
    const out = redactSecret(`Incorrect API key provided: ${key}. Also sk-proj-****wxyz and abcd***7890wxyz and sk-ant-api03-zzzzzzzz`, key);
    expect(out).not.toContain(key);
    expect(out).not.toContain('7890wxyz');
    expect(out).not.toContain('zzzzzzzz');
    expect(out).toContain('Incorrect API key provided');
  });
  it('leaves ordinary text alone', () => {
    expect(redactSecret('model gpt-4o-mini does not exist', 'k3y-that-is-long')).toBe('model gpt-4o-mini does not exist');
  });
});

describe('providerMessageOf', () => {
  it('reads OpenAI, Anthropic, Ollama and plain-text errors, truncated to 300 characters', () => {
    expect(providerMessageOf('{"error":{"message":"bad model","type":"invalid_request_error"}}')).toBe('bad model');
    expect(providerMessageOf('{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}')).toBe('Overloaded');
    expect(providerMessageOf('{"error":"model not found"}')).toBe('model not found');
    expect(providerMessageOf('upstream\n  connect error')).toBe('upstream connect error');
    expect(providerMessageOf('x'.repeat(500))).toHaveLength(301);
  });
});

describe('urls', () => {
  it('joins paths and names the host', () => {
    expect(joinUrl('http://h:1/v1/', '/chat/completions')).toBe('http://h:1/v1/chat/completions');
    expect(providerLabel('openai', 'http://127.0.0.1:5123/v1/embeddings')).toBe('ai provider openai (127.0.0.1:5123)');
    expect(messagesUrl('https://api.anthropic.com')).toBe('https://api.anthropic.com/v1/messages');
    expect(messagesUrl('https://api.anthropic.com/v1/')).toBe('https://api.anthropic.com/v1/messages');
  });
});
