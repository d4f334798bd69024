// Browser configuration: these values ship to every visitor and are public by design.
export const vapidPublicKey = 'BF12moQ4RXkeihf-AdC1-jNojfTwaSogrEiKFmBrGoaS5O_66H3OeUONwAnYmZNd8bBKzE0qKzPP_hLQQhNaa_R';
export const SENTRY_DSN = 'https://4dca77273d355f5072d6cee71ca124ea@o207830.ingest.sentry.io/6821962';
export const recaptchaSiteKey = '6LaYS0Q40_7snsP6NmEn7wava11Qd_zJQHORNEh3';
export const posthogKey = 'phc_GsrDmCaoE5dfwFg894CNiWx1xWhT8cNziXFGJ2OCOaB';
export const googleClientId = '351505507770-x3f02kz0t7vnkuzpa6d7l7we6nl31cdr.apps.googleusercontent.com';
export const algolia = { appId: 'TCYQ87NKWO', searchOnlyApiKey: 'd243d3166b98fb8ba6af99b074d618fa' };
export const segmentWriteKey = 'ovXqu5P63fnKqgorFtVN6fMYk8HMiRbN';
export const mixpanelToken = '3e9a4a848ecaa6c6622382a094c86c7e';
export const scriptNonce = 'Vl7ocIcFnj0m2hsj1HYjyr==';
export const apiKeyHeader = 'X-Api-Key';
export const secretQuestion = 'What was the name of your first pet?';
export const etag = 'W/"bb25717283ddd6e2d0429ae871d96db6"';
