import twilio from 'twilio';
import sgMail from '@sendgrid/mail';
import Mailgun from 'mailgun.js';

const client = twilio('SK9df0b3a2d284b0b1c1ea04cd0e530fc8', 'c0e2c1bfefb85ba9c4eb61a20de7db32', { accountSid: 'ACf83ea4c4f957d23049abb4066ad7fb26' });
const TWILIO_AUTH_TOKEN = '74741cf42d736cde7710dc849dc8ebef';
const TWILIO_ACCOUNT_SID = 'AC3f55e598fdc5842089f9b09ca03f5cac';
sgMail.setApiKey('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');
const mailgun = new Mailgun(FormData);
const mg = mailgun.client({ username: 'api', key: 'key-k87qeuevhjb76f7alch64zvpeplbu58t' });
const MAILGUN_API_KEY = 'df8ca83bc37dda913e7470dc6c83e4cb-6af94e40-f2676330';
const mailchimpKey = 'a72e7c1b0116934c2907a956236c2ef7-us18';
const brevo = { apiKey: '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' };
const fromAddress = 'no-reply@acme.dev';
const messagingServiceSid = 'MG3c6f127f71d5a4eda068311ff317c231';
const passwordResetSubject = 'Reset your password';
