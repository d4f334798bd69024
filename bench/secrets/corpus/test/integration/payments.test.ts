import { describe, it } from 'vitest';
import Stripe from 'stripe';

const stripe = new Stripe('rk_live_7oQk6hjINOi98GjwG78j1T1y');
const WEBHOOK_SECRET = 'whsec_261AqSfSceXFQIptUu1jHTcTnPHShe5i';
const adminPassword = 'ddkg.I8VJ2!05';
const testPassword = 'correct horse battery staple';
const customerId = 'cus_4Ce9edVRlW1ug4';
describe('payments', () => { it('charges', async () => { await stripe.charges.list(); }); });
