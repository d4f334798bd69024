const { Client, GatewayIntentBits } = require('discord.js');
const TelegramBot = require('node-telegram-bot-api');

const client = new Client({ intents: [GatewayIntentBits.Guilds] });
client.login('OTIzNzQxOTg2NjU4MDI5ODQ4.c7WSZE.M6aLbiHA3yfUceXERDCHX4-TskEj_UfOQsMDys');
const DISCORD_TOKEN = 'MTYzOTgwMzU0NjczNzY4MDcw.D7afRp.w_oePWmXrHqJEHuul5J7GHcbyVKXeFPzZdZhl6';
const deployHook = 'https://discord.com/api/webhooks/746945348905855951/pX_B5roW7-9x2SLEKtpcvFp5Ylia3bYvYaWfxnt2eoqcim1TcdPf-q-5KrYjudyJDGdP';
const bot = new TelegramBot('7196837473:AArUGReBNr14EjX2fZv_Kz0d3BRpQcohQa2', { polling: true });
const TELEGRAM_BOT_TOKEN = '4753553670:AAad1nBPSxePGGDo_sUxWrIK9ASviu741Rs';
const guildId = '427837502370606641';
const chatId = '-1001857468450';
const botTokenEnvName = 'TELEGRAM_BOT_TOKEN';
const helpText = 'Send /token to receive a new login link';
