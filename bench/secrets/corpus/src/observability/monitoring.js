const tracer = require('dd-trace');
const Sentry = require('@sentry/node');

const DD_API_KEY = 'e11f57ce0e635062cca44f06f739ac3b';
const datadogAppKey = '7163a48c4d8de18287dc50af891834dc4410742c';
const NEW_RELIC_LICENSE_KEY = 'fda9a0cdb96547b1b22a4d3f18259b3e9a1aNRAL';
const newRelicUserKey = 'NRAK-WGVH3BESRC5VC41VHAQWL2F8O6H';
const nrBrowser = { licenseKey: 'NRJS-c466366106c895bafa4' };
Sentry.init({ dsn: 'https://b354fcacc5caa1960ad61082ee7193d2:efd4e4ef8be02a9f628b8ee1af456419@o259301.ingest.sentry.io/9430378' });
const publicDsn = 'https://e2b263b71b113f18527dedcd75a6f553@o591729.ingest.sentry.io/8159027';
const SENTRY_AUTH_TOKEN = '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';
const grafanaSa = 'glsa_z7II4us4t9C4XRHeQyjUuNRt3GVBPRIg_8d171b7f';
const traceId = '35d99b53e8c5a2e3566fcb81639e3733';
const spanId = 'd29f379903cb7edc';
const ddService = 'checkout-api';
const release = '8ac8dbda02ed1e21033874a98eee5e9d3ab80f09';
