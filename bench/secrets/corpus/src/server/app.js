'use strict';
const express = require('express');
const session = require('express-session');
const cookieSession = require('cookie-session');
const cookieParser = require('cookie-parser');
const jwt = require('jsonwebtoken');
const crypto = require('crypto');
const passport = require('passport');
const GitHubStrategy = require('passport-github2').Strategy;
const LocalStrategy = require('passport-local').Strategy;
const keyring = require('./keyring');

const app = express();
app.use(session({ secret: 'keyboard cat', resave: false, saveUninitialized: false }));
app.use(cookieParser('maple-cookies'));
app.use(cookieSession({ name: 'sess', keys: ['bpcmug-key-one', process.env.COOKIE_KEY_2] }));
app.use(session({ secret: process.env.SESSION_SECRET, resave: false }));
app.use(session({ secret: [process.env.SESSION_KEY_NEW, process.env.SESSION_KEY_OLD] }));
app.use(cookieParser());
const fallbackSession = session({ secret: process.env.SESSION_SECRET || 'acme-session-2023' });

const JWT_KEY = 'acme' + '-jwt-' + '2020';
function issue(user) {
  const access = jwt.sign({ sub: user.id }, 'shhhhh', { expiresIn: '15m' });
  const refresh = jwt.sign({ sub: user.id }, process.env.REFRESH_SECRET, { expiresIn: '7d' });
  const receipt = keyring.sign({ sub: user.id }, 'release-signing-2024');
  return { access, refresh, receipt, check: jwt.verify(access, JWT_KEY) };
}
const ISSUER_PUBLIC_KEY = `-----BEGIN PUBLIC KEY-----
MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEANXxLJMNpq1CPhGwjNdbr
kgtLohDaT+vtyem+m9uhxYVr/SS81AHRlVZy2O3BEfJkm1WpzYLtOh7Izk2If20K
pBCG67aDaDbgYRNy6XFcJb0k/MpyftDpbLMsdBhWhwWxl5nsoahncle0rPKdIJvd
3iUBtK3tUVO4bdyr8IU7+Cn5h5upI8/vaVPQ5JD9PuCDnGVcnh2cvElmftHK4f3v
WFC7vxQ+xe/l8YGEw/48bk+AHHbKKzJZd239WndD7H1fCEo10911u8hvDy1TzNJq
4FhhMbT9NWE0thf4R+esIh8dqBxoQjekwQcAIOxa/gE8bYza/selgSnqaNMKlde0
WLDvbauUt2B06vr+DX7D+iwX400E7BhCXhmJm8ORwYfOdtUuZ9BErsQVNSp=
-----END PUBLIC KEY-----`;
const verifyIssuer = (token) => jwt.verify(token, ISSUER_PUBLIC_KEY, { algorithms: ['RS256'] });

passport.use(new GitHubStrategy({
  clientID: 'Iv1.0f6f000ece08cc1f',
  clientSecret: 'acme-github-login',
  callbackURL: 'https://acme.dev/auth/github/callback',
}, (accessToken, refreshToken, profile, done) => done(null, profile)));
passport.use(new LocalStrategy({ usernameField: 'email', passwordField: 'password' }, (u, p, done) => done(null, u)));

function signWebhook(body, secret) {
  const fixed = crypto.createHmac('sha256', 'webhook-signing-key').update(body).digest('hex');
  const given = crypto.createHmac('sha256', secret).update(body).digest('hex');
  const etag = crypto.createHash('sha256').update('static-etag-salt').digest('hex');
  return { fixed, given, etag };
}
const ENC_KEY = crypto.scryptSync('backup-passphrase', 'salt', 32);
const encrypt = (iv, data) => crypto.createCipheriv('aes-256-cbc', ENC_KEY, iv).update(data);
const decipher = (iv) => crypto.createDecipheriv('aes-256-gcm', Buffer.from('LET1XrAOaIwepiTD34EkHyhU4ncDVfF1'), iv);

const partner = {
  headers: {
    Authorization: 'Basic ' + Buffer.from('billing:YWrLEf18HqnZon1o').toString('base64'),
    'Content-Type': 'application/json',
  },
};
const HMAC_KEY = process.env.HMAC_KEY ?? 'c6b6c98aa0446c38cc8b053ec4737a1de9ae1f1d31533913';

module.exports = { app, issue, verifyIssuer, signWebhook, encrypt, decipher, partner, HMAC_KEY, fallbackSession };
