import OpenAI from 'openai';
import Anthropic from '@anthropic-ai/sdk';

const openai = new OpenAI({ apiKey: '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' });
const legacyOpenAi = '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';
const anthropic = new Anthropic({ apiKey: 'sk-ant-api03-oGfMjCaqxG657FHGJd1cGeZ3260vjcapTy9Y6xQHukZ5u5CFr1Ws0mAKuNZZ4C4YvCKLnDaO8fOc22bcrNu7DaE-CtYjVAA' });
const HF_TOKEN = 'hf_9vi2VaZXo5Jsay24x48gWyFSC5c0bq10gt';
const groqKey = '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';
const replicateToken = 'r8_QJEAFK42lzJ2cLPf1mtnxo0PwN0yjO1SYkcSZ';
const perplexity = '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';
const model = 'gpt-4o-mini-2024-07-18';
const apiKeyHeader = 'x-api-key';
const OPENAI_API_KEY_ENV = 'OPENAI_API_KEY';
export const apiKeyPlaceholder = 'sk-...';
