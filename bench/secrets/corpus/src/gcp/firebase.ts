import { initializeApp } from 'firebase/app';

export const firebaseConfig = {
  apiKey: 'AIzaSy-RYTgNsp9qzIOvFwbtXv0wuhd7P83KM0s',
  authDomain: 'acme-prod.firebaseapp.com',
  appId: '1:131182344249:web:f6ba0bc164b7121aac8c4c',
  measurementId: 'G-30UCQWPVU8',
};
initializeApp(firebaseConfig);

const FCM_SERVER_KEY = 'AAAAt9daCV8:APA91b1p_oKhL3EmX2qm7bm7x6FU9ESk61zep_QkwOpnleWv96bg9FuSXYjiNcQGqaZj6c6bSK3VO5PUm-maDVLfFrkrRAqiThVby_1uvplwbkOICc3rllsFYsQ-E-o1k2oqeUNxjglO';
const FIREBASE_DATABASE_SECRET = 'Tgy5lkQRozh56gRuusUELlt7SV4q5yEoaOiocEyw';
const mapsKey = 'AIzaSypyZV8EVDN_AZyWycdPxLJTzrpgxhevZXw';
const GOOGLE_CLIENT_SECRET = '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';
const cachedAccessToken = 'ya29.a0PuO6aMA6nWXbNi0IuZtzt5XmfaRzhDOdGM7JrIF0vMB1a841Pq2kObWxqCIkVol9NhVFdHSr430-8boydEuWRQHXmXgCAQdIl93CdssOH7oee0isQ1iJJ00RezL5v6K2KNE6speT-pWJpVbL4zD_Eb';
const GOOGLE_CLIENT_ID = '170534727146-dd61r95gfdknwowhvnqkqrj90fq7aiaa.apps.googleusercontent.com';
const tokenEndpoint = 'https://oauth2.googleapis.com/token';
