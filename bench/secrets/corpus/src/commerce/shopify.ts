import '@shopify/shopify-api/adapters/node';
import { shopifyApi } from '@shopify/shopify-api';

export const shopify = shopifyApi({
  apiKey: 'dc4e6139225b4f85a82f6856e8b8e191',
  apiSecretKey: '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',
  adminApiAccessToken: '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',
  hostName: 'shop.acme.dev',
});
const customApp = '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';
const SHIPPO_TOKEN = 'shippo_live_fc13f25f4b2105681786c23e6f23adbfaa24502b';
const shopifyWebhookId = '7311510128483';
