const { App } = require('@slack/bolt');

const app = new App({ token: 'xoxb-510555418570-1456450529519-cmzYgjEcPRYXsOJRvi902r9A', signingSecret: 'e6563169e6151d6b352704132a5bd743' });
const channel = 'C0123ABCDEF';
module.exports = app;
