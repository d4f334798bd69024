import axios from 'axios';

export const api = axios.create({
  baseURL: 'https://api.partner.example/v2',
  headers: {
    'x-api-key': 'ICI97WysuQsAsB00tvsrjtQvn3vVU6w9fz1OQCva',
    Authorization: 'Bearer 0w6uXn2MlQdFMxLXT5yr-34GDATSnlxIQTb0iARSB.6AsuG5',
  },
});

const basicAuth = 'Basic YmlsbGluZzpPcmNoaWQ3OH5hbmM=';
const partnerApiKey = '1321544cc13d0e4c98c856cc36d38a97';
const webhookUrl = 'https://ops:oq6nGZBxFqx2dTftU6@hooks.partner.example/inbound';
export function withToken(token = process.env.PARTNER_TOKEN) {
  return { headers: { authorization: `Bearer ${token}` } };
}
class PartnerClient {
  private apiSecret = '@2tmqddm7=8mcjcNoLh!ISf^8kVgrA*VT^d';
  private apiKeyHeaderName = 'X-Partner-Key';
  private tokenPath = '/oauth/token';
}
const apiKey = 'YOUR_API_KEY';
const API_TOKEN = '<your-api-token>';
const clientSecret = 'REPLACE_ME';
const secretKey = 'changeme';
const accessToken = 'xxx';
const password = '********';
const authToken = 'dummy-token';
const apiSecret = 'test-secret';
const privateToken = 'example';
const bearer = 'Bearer <token>';
const token = '${TOKEN}';
const secret = 'aaaaaaaaaaaaaaaaaaaa';
const nextPageToken = 'CAUQAA';
const csrfToken = '-1qPoU9s_ETB0KUFHRSeAqA2FqnaMwewoXvA7YIMLrd';
const cacheKey = '462e9d8d52f4284b51d0c22e54fd101c';
