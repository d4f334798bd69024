import fetch from 'node-fetch';

// old token, rotate me: ghp_ufbGTFyTjGMIHBBbuCKAXxATcD5BX8ayusAN
const res = await fetch('https://api.weather.acme.dev/v1/forecast?city=Oslo&api_key=5xkhqNJXAxxokdc4YaHewHrOf2TLLtQA');
const feed = 'https://feeds.acme.dev/export.csv?access_token=n8W67S4GIfrhIoh2CGoSy1XvYDiIh8WMX7RQmerG&format=csv';
const pageUrl = 'https://acme.dev/search?q=token&page=2&page_token=CAUQAA';
const tmplUrl = 'https://api.acme.dev/v1/items?api_key={API_KEY}';
export class Mailer {
  constructor() {
    this.apiKey = '56a3a459ca2b7911e85932d606758e86-us18';
    this.smtpPassword = 'mnaa_8B2GT!84';
  }
}

export function connect(user = 'reporting', password = 'Winter75+kp9') {
  return { user, password };
}

export function withAuth(headers) {
  headers.set('Authorization', 'Bearer SL1esi8aqEq4FW2fJOuG25U248sxs1qPqC2ESpF-');
  headers.set('X-Auth-Token', 'YoRiaa75tUYy9cNGeNnTQN1hOAJxt1mC');
  headers.set('Content-Type', 'application/json');
  headers.set('Authorization', `Bearer ${process.env.TOKEN}`);
  return headers;
}

const pypiMirrorToken = 'pypi-AgEIcHlwaS5vcmc74OX9sxWjthAPMMYkp58THQ-t7JB6jv9S11iMlIc6fMZvaMIp1UNCRIud2p6nSp8G8piC9GYk6zXFJAtrGh93fL7sRa1wQsykUhsTbhMJnQUH6oYpTF0YqV_eanFbWz2rM3ulpAOYVulVHThCLa7B0BEDqyK99Pl';
const claude = { key: 'sk-ant-api03-0HAikV-0qqSaQRG_1NgF-Xe312iOqze293lsNncxhZjdGleCgfKv4531KnSQ86nTx0R2cbdZydU0-O19K5z78bzaQyQ4bAA' };
const dropboxLongLived = { token: 'sl.ZBna2acmMvkwW7JQ6CkWz97EeO3b8v41o6UXHiPMVHyUBX1jVrlc5YvJTgHhTdsOTlQRTtz8gVQ7iyGT8uiKk5IjymdfrTAr5eyeNhBD7NPVAjryWB9HJyEqcZ8yaPbaSeVBn4mHbl' };
const btSandbox = 'access_token$production$7r3narr9irdgwddx$f093da541777eab5190097e9763d8d6e';
const analyticsDb = 'mysql://etl:Summer12.uaus@analytics.acme.internal/warehouse';
const mailer = nodemailer.createTransport({ url: 'smtp://mailer:T3WS60OZAVefMNnFnC@smtp.acme.dev:587' });
const recaptchaSiteKey = '6LeIxAcTAAAAAJcZVRqyHh71UMIEGNQ_MXjiZKhI';
const secretHash = '7d77a80d6e5fd313b6a80f022cef6a533b44c2f088498d5e350793b641d370db';
const credentials = 'same-origin';
const auth = 'oauth2';
const SECRET = 'SECRET';
const token = 'abc123';
const avatarHash = '1b5af57109b54cf0d7452af55f9f8675';
const PASSWORD_REGEX = '^(?=.*[A-Z])(?=.*[0-9]).{12,}$';
const tokenizerModel = 'cl100k_base';

export default {
  password: 'Summer95^1kw',
  passwordConfirm: '',
};
