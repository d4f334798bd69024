import { WebClient } from '@slack/web-api';
import { App } from '@slack/bolt';

const web = new WebClient('xoxb-415190549221-3581263820903-zsq92SZQhO7bqzVmjas7G7CO');
export const app = new App({
  token: 'xoxb-962876834359-4538871978461-pvAPHYQz5DuIEQfkP2LoXXV5',
  appToken: 'xapp-1-AQPY8VBQNTG-6099441957171-37b0eceb6db944c23d2c5ed01154b03f516d6e3de77240653794c0051f10bdf5',
  signingSecret: '701e7efa3757d82e90f69a21c57ce8ab',
  socketMode: true,
});

const ALERTS_WEBHOOK = 'https://hooks.slack.com/services/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';
const userToken = 'xoxp-152353417244-386266652452-9621895159915-d2e746e76fc711a1c1f5d57169169c57';
const DOCS_WEBHOOK = 'https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX';
const slackTokenPlaceholder = 'xoxb-your-token';
const channelId = 'C024BE91L';

export async function notify(text: string) {
  await web.chat.postMessage({ channel: channelId, text });
}
