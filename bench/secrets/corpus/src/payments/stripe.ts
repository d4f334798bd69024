import Stripe from 'stripe';

const stripe = new Stripe('rk_live_K8IE35vOGKvKxaqxfsnJjhMH', { apiVersion: '2024-06-20' });
const restricted = 'rk_live_Rh5zgEirq0IFuLFGbprn1bCd';
const endpointSecret = 'whsec_LeLs08GR5MH8tfTGSDF9T2gNlCRMLAbU';
export const STRIPE_PUBLISHABLE_KEY = 'pk_live_efF9yYeQxnKNeX8Iehfe3g4i';
const testKey = 'sk_test_wHCBywXHAAZLmolzByxlJn0b';
const publicKey = 'pk_test_UdC8ZKpLDgvS7xb9FvPbllQQ';
const idempotencyKey = 'feb4fe83-770e-4223-9fc6-40a871acb464';
const apiVersion = '2024-06-20';

export default stripe;
